import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapDatabase,
  dropDatabase,
  ensureDatabase,
  MigrationError,
  migrate,
  readMigrations,
  withClient,
  withDatabase,
} from '@coko/server/dev';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const cluster = inject('cokoCluster');
const name = `migrate_${process.pid}_${Date.now()}`;
const url = withDatabase(cluster.adminUrl, name);

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'coko-migrations-'));
  for (const [file, sql] of Object.entries(files)) writeFileSync(join(dir, file), sql);
  return dir;
}

beforeAll(async () => {
  await ensureDatabase(cluster.adminUrl, name);
  await withClient(url, (client) => bootstrapDatabase(client, cluster.keys));
});
afterAll(() => dropDatabase(cluster.adminUrl, name));

describe('migration runner', () => {
  const first = {
    '20260101000000_first.sql': 'create table public.one (id int primary key, made_by text default current_user);',
    '20260102000000_second.sql': 'insert into public.one (id) values (1);',
  };

  it('applies files in order, as the non-superuser postgres role, and records them', async () => {
    const result = await withClient(url, (client) => migrate(client, readMigrations(migrationsDir(first))));
    expect(result.applied).toEqual(['20260101000000', '20260102000000']);
    await withClient(url, async (client) => {
      const { rows } = await client.query(
        'select version, name from supabase_migrations.schema_migrations order by version',
      );
      expect(rows).toEqual([
        { version: '20260101000000', name: 'first' },
        { version: '20260102000000', name: 'second' },
      ]);
      const made = await client.query(
        'select made_by, (select rolsuper from pg_roles where rolname = made_by) as superuser from public.one',
      );
      // On the embedded cluster `postgres` is Supabase's non-superuser; on an existing Postgres
      // (DATABASE_URL) it is whatever the operator made it.
      expect(made.rows).toEqual([
        { made_by: 'postgres', superuser: cluster.external ? made.rows[0].superuser : false },
      ]);
    });
  });

  it('is idempotent: a second run applies nothing', async () => {
    const result = await withClient(url, (client) => migrate(client, readMigrations(migrationsDir(first))));
    expect(result.applied).toEqual([]);
  });

  it('refuses to run when an applied file has changed', async () => {
    const changed = { ...first, '20260102000000_second.sql': 'insert into public.one (id) values (2);' };
    const run = withClient(url, (client) => migrate(client, readMigrations(migrationsDir(changed))));
    await expect(run).rejects.toThrow(/20260102000000_second\.sql was changed after it was applied/);
  });

  it('rolls a failing migration back and reports file, line, column and the Postgres error', async () => {
    const failing = {
      ...first,
      '20260103000000_third.sql':
        'create table public.two (id int);\n\ninsert into public.two values (1);\nselect * from public.missing_table;\n',
    };
    let error: unknown;
    await withClient(url, (client) => migrate(client, readMigrations(migrationsDir(failing)))).catch((e) => {
      error = e;
    });
    expect(error).toBeInstanceOf(MigrationError);
    const migrationError = error as MigrationError;
    expect(migrationError.file).toBe('20260103000000_third.sql');
    expect(migrationError.line).toBe(4);
    expect(migrationError.column).toBe(15);
    expect(migrationError.message).toMatch(
      /20260103000000_third\.sql:4:15: relation "public\.missing_table" does not exist \[SQLSTATE 42P01\]/,
    );
    await withClient(url, async (client) => {
      const table = await client.query(`select to_regclass('public.two') as t`);
      expect(table.rows[0].t).toBeNull();
      const versions = await client.query('select version from supabase_migrations.schema_migrations order by version');
      expect(versions.rows.map((r) => r.version)).toEqual(['20260101000000', '20260102000000']);
    });
  });

  it('rejects badly named files', () => {
    expect(() => readMigrations(migrationsDir({ 'add_books.sql': 'select 1;' }))).toThrow(/14-digit timestamp/);
  });
});
