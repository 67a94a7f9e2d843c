// Supabase's database advisor (splinter) on Coko's schema: every security and performance lint that
// applies to a database we do not manage through Supabase runs against the migrated test database
// (a clone of the template built from every migration), and any ERROR or WARN on Coko's own schemas
// fails the test with a readable list. The lint queries are splinter's own, copied verbatim into
// supabase/tests/advisor/lints (see the README there for the source, the license and the lints left
// out and why).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack.js';

const here = dirname(fileURLToPath(import.meta.url));
const LINTS_DIR = join(here, 'advisor', 'lints');

/**
 * Schemas that Supabase (or Postgres) owns: their findings are not Coko's to fix. Everything else in
 * the database is Coko's (public, private, and any schema a migration or Coko's job queue creates).
 */
const NOT_COKO_SCHEMAS = [
  'auth',
  'storage',
  'extensions',
  'graphql',
  'graphql_public',
  'realtime',
  'vault',
  'pgsodium',
  'pgsodium_masks',
  'supabase_functions',
  'supabase_migrations',
  'net',
  'cron',
  'pgbouncer',
  'information_schema',
  'pg_catalog',
  'pg_toast',
];

/** Lints whose INFO findings also fail the test: cheap to fix, deterministic, and worth keeping at zero. */
const STRICT_INFO_LINTS = ['unindexed_foreign_keys', 'no_primary_key', 'fkey_to_auth_unique'];

interface Finding {
  name: string;
  level: 'ERROR' | 'WARN' | 'INFO';
  detail: string;
  metadata: Record<string, unknown> | null;
  cache_key: string;
}

/** The schemas PostgREST exposes, from supabase/config.toml's `[api] schemas` (the lints read them). */
function exposedSchemas(): string[] {
  const toml = readFileSync(join(here, '..', 'config.toml'), 'utf8');
  const api = toml.split(/^\[/m).find((section) => section.startsWith('api]'));
  const list = api?.match(/^schemas\s*=\s*\[([^\]]*)\]/m)?.[1];
  if (!list) throw new Error('supabase/config.toml has no [api] schemas list');
  return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
}

function lintFiles(): { view: string; sql: string }[] {
  return readdirSync(LINTS_DIR)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(LINTS_DIR, file), 'utf8');
      const view = sql.match(/create view lint\."([^"]+)"/i)?.[1];
      if (!view) throw new Error(`${file} does not create a lint view`);
      return { view, sql };
    });
}

/** The schema a finding is about (null for database-wide findings such as extension versions). */
function schemaOf(finding: Finding): string | null {
  const schema = finding.metadata?.schema;
  return typeof schema === 'string' ? schema : null;
}

/** One readable line per finding (splinter escapes some backticks). */
function lines(findings: Finding[]): string[] {
  return findings.map((f) => `[${f.level}] ${f.name}: ${f.detail.replaceAll('\\`', '`')}`);
}

let findings: Finding[] = [];
let lintCount = 0;

beforeAll(async () => {
  const client = new pg.Client({ connectionString: testStack().adminDatabaseUrl });
  await client.connect();
  try {
    // The views live in a throwaway schema inside a transaction that is rolled back: the database is
    // left exactly as the migrations made it.
    await client.query('begin');
    await client.query(`set local pgrst.db_schemas = '${exposedSchemas().join(',')}'`);
    await client.query('create schema lint');
    const lints = lintFiles();
    lintCount = lints.length;
    for (const lint of lints) await client.query(lint.sql);
    for (const lint of lints) {
      const { rows } = await client.query<Finding>(
        `select name, level, detail, metadata, cache_key from lint."${lint.view}"`,
      );
      findings.push(...rows);
    }
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
  findings = findings.filter((finding) => {
    const schema = schemaOf(finding);
    return schema === null || !NOT_COKO_SCHEMAS.includes(schema);
  });
});

afterAll(() => {
  const info = findings.filter((f) => f.level === 'INFO' && !STRICT_INFO_LINTS.includes(f.name));
  if (info.length > 0) console.info(['Supabase advisor, INFO findings (not failing):', ...lines(info)].join('\n- '));
});

describe('Supabase database advisor (splinter)', () => {
  it('runs every copied lint', () => {
    expect(lintCount).toBe(26);
  });

  it('reports no ERROR on Coko schemas', () => {
    const errors = findings.filter((f) => f.level === 'ERROR');
    expect(lines(errors), 'splinter ERRORs').toEqual([]);
  });

  it('reports no WARN on Coko schemas', () => {
    const warnings = findings.filter((f) => f.level === 'WARN');
    expect(lines(warnings), 'splinter WARNs').toEqual([]);
  });

  it(`reports no ${STRICT_INFO_LINTS.join(' / ')} (INFO lints Coko keeps at zero)`, () => {
    const strict = findings.filter((f) => STRICT_INFO_LINTS.includes(f.name));
    expect(lines(strict), 'splinter INFO findings Coko keeps at zero').toEqual([]);
  });
});
