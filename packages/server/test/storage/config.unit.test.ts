import { describe, expect, it } from 'vitest';
import { isConfigError, loadConfig } from '../../src/config/index.ts';

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ COKO_ENV: 'test', ...env });
  } catch (error) {
    if (isConfigError(error)) return error.issues.map((issue) => `${issue.variable}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('storage configuration', () => {
  it('defaults to the local adapter', () => {
    expect(loadConfig({ COKO_ENV: 'test' }).storage).toEqual({
      driver: 'local',
      localRoot: undefined,
      signingSecret: undefined,
      supabaseUrl: undefined,
      serviceRoleKey: undefined,
    });
  });

  it('needs the project URL and the service role key for Supabase Storage', () => {
    expect(issuesOf({ STORAGE: 'supabase' })).toEqual([
      'SUPABASE_URL: required with STORAGE=supabase',
      'SUPABASE_SERVICE_ROLE_KEY: required with STORAGE=supabase',
    ]);
    const config = loadConfig({
      COKO_ENV: 'test',
      STORAGE: 'supabase',
      SUPABASE_URL: 'https://abc.supabase.co/',
      SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_x',
    });
    expect(config.storage).toMatchObject({ driver: 'supabase', supabaseUrl: 'https://abc.supabase.co' });
  });

  it('names a bad driver, URL or signing secret without echoing secrets', () => {
    const issues = issuesOf({ STORAGE: 's3', SUPABASE_URL: 'ftp://x', STORAGE_SIGNING_SECRET: 'short-secret' });
    expect(issues).toEqual([
      'STORAGE: must be one of local, supabase',
      'STORAGE_SIGNING_SECRET: must be at least 32 characters',
      'SUPABASE_URL: must be an http(s) URL',
    ]);
    expect(issues.join('\n')).not.toContain('short-secret');
  });
});
