import { existsSync, readFileSync } from 'node:fs';
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

  it('declares the api function with its import map and entrypoint, which exist', () => {
    expect(config.functions.api).toEqual({
      enabled: true,
      verify_jwt: false,
      import_map: './functions/api/deno.json',
      entrypoint: './functions/api/index.ts',
    });
    for (const path of [config.functions.api.import_map, config.functions.api.entrypoint]) {
      expect(existsSync(new URL(path, `file://${supabaseDir}`))).toBe(true);
    }
  });

  it("deno.json maps @coko/server/app to the app's source and npm packages to the versions in package.json", () => {
    const denoJson = JSON.parse(readFileSync(`${supabaseDir}functions/api/deno.json`, 'utf8')) as {
      imports: Record<string, string>;
    };
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(
      existsSync(new URL(denoJson.imports['@coko/server/app'] as string, `file://${supabaseDir}functions/api/`)),
    ).toBe(true);
    for (const name of ['hono', '@hono/zod-openapi', 'zod', 'pg', 'jose']) {
      expect(denoJson.imports[name]).toBe(`npm:${name}@${pkg.dependencies[name]}`);
    }
    expect(denoJson.imports['hono/']).toBe(`npm:hono@${pkg.dependencies.hono}/`);
  });
});
