import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';

const supabaseDir = fileURLToPath(new URL('../../../../supabase/', import.meta.url));

describe('supabase/config.toml', () => {
  // biome-ignore lint/suspicious/noExplicitAny: TOML tables, asserted with toMatchObject
  const config = parse(readFileSync(`${supabaseDir}config.toml`, 'utf8')) as Record<string, any>;

  it('describes the project like the Supabase CLI expects', () => {
    expect(config.project_id).toBe('coko');
    expect(config.api).toMatchObject({
      port: 54321,
      schemas: ['public'],
      extra_search_path: ['public', 'extensions'],
      max_rows: 1000,
    });
    expect(config.db).toMatchObject({
      port: 54322,
      major_version: 17,
      seed: { enabled: true, sql_paths: ['./seed.sql'] },
    });
    expect(config.auth.jwt_expiry).toBe(900);
  });

  it("limits Supabase Auth's own endpoints as the seed says (login 5/min, register 3/min, password reset 2/h)", () => {
    const { rate_limit: limits, email, sms } = config.auth;
    expect(Object.keys(limits).sort()).toEqual(
      ['anonymous_users', 'email_sent', 'sign_in_sign_ups', 'sms_sent', 'token_refresh', 'token_verifications'].sort(),
    );
    // Per 5 minutes per IP: sign-ins and sign-ups share one bucket, held to register's 3/min.
    expect(limits.sign_in_sign_ups / 5).toBeLessThanOrEqual(3);
    expect(limits.token_verifications / 5).toBeLessThanOrEqual(5);
    expect(limits.email_sent).toBeLessThanOrEqual(2);
    // Per address and per number: at most 2 emails (password resets) an hour, 5 OTP SMS a minute.
    expect(email.max_frequency).toBe('30m');
    expect(sms.max_frequency).toBe('12s');
  });

  it('declares the api function with its entrypoint, which imports only its own bundle', () => {
    expect(config.functions.api).toEqual({
      enabled: true,
      verify_jwt: false,
      entrypoint: './functions/api/index.ts',
    });
    const entry = readFileSync(new URL(config.functions.api.entrypoint, `file://${supabaseDir}`), 'utf8');
    expect([...entry.matchAll(/^import\s+['"]([^'"]+)['"]/gm)].map((match) => match[1])).toEqual(['./dist/main.js']);
  });
});
