import { existsSync } from 'node:fs';
import pg from 'pg';
import { bootstrapDatabase } from './bootstrap.ts';
import type { ProjectKeys } from './keys.ts';
import { migrate, readMigrations, runSqlFile } from './migrate.ts';
import { migrationsDir, seedFile } from './paths.ts';
import { type Progress, silentProgress } from './progress.ts';

export { withDatabase } from '../db/url.ts';

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates `name` unless it exists; returns true when it was created. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return false;
    const from = template ? ` template ${client.escapeIdentifier(template)}` : '';
    await client.query(`create database ${client.escapeIdentifier(name)}${from}`);
    // As on Supabase, the database belongs to postgres (pg-boss, for one, creates its schema there).
    const { rowCount: hasPostgres } = await client.query(`select 1 from pg_roles where rolname = 'postgres'`);
    if (hasPostgres) await client.query(`alter database ${client.escapeIdentifier(name)} owner to postgres`);
    return true;
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) =>
    client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`),
  );
}

export interface PrepareResult {
  bootstrap: 'bootstrapped' | 'skipped';
  applied: string[];
  seeded: boolean;
}

/**
 * Brings one database up to date: Supabase bootstrap (plain Postgres only), migrations, and the
 * seed when `seed` is true or, with `'if-fresh'`, when no migration had been applied before.
 */
export async function prepareDatabase(
  databaseUrl: string,
  keys: ProjectKeys,
  options: {
    seed: boolean | 'if-fresh';
    migrations?: string;
    /**
     * Give the `postgres` role the project's generated password (default true). Only for clusters the
     * stack owns: on someone else's Postgres that would change an existing role's password.
     */
    setPostgresPassword?: boolean;
    /** Reports the migrations and seed steps (default: silent). */
    progress?: Progress;
  },
): Promise<PrepareResult> {
  const progress = options.progress ?? silentProgress;
  return withClient(databaseUrl, async (client) => {
    const bootstrap = await bootstrapDatabase(client, keys);
    if (bootstrap === 'bootstrapped' && options.setPostgresPassword !== false) {
      await client.query(`alter role postgres with password ${client.escapeLiteral(keys.postgresPassword)}`);
    }
    const fresh = !(await hasAppliedMigrations(client));
    const { applied } = await progress.step('migrations', () =>
      migrate(client, readMigrations(options.migrations ?? migrationsDir())),
    );
    const seeded = (options.seed === true || (options.seed === 'if-fresh' && fresh)) && existsSync(seedFile());
    if (seeded) await progress.step('seed', () => runSqlFile(client, seedFile()));
    return { bootstrap, applied, seeded };
  });
}

async function hasAppliedMigrations(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ applied: boolean }>(
    `select to_regclass('supabase_migrations.schema_migrations') is not null as applied`,
  );
  if (!rows[0]?.applied) return false;
  const { rowCount } = await client.query('select 1 from supabase_migrations.schema_migrations limit 1');
  return (rowCount ?? 0) > 0;
}
