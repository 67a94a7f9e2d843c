import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type pg from 'pg';
import { listMigrationFiles, parseMigrationFileName } from '../db/migrations.ts';
import { inTransaction } from '../db/transaction.ts';

/** One file of `supabase/migrations`: `<14-digit timestamp>_<name>.sql`. */
export interface MigrationFile {
  version: string;
  name: string;
  path: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

export function readMigrations(dir: string): MigrationFile[] {
  return listMigrationFiles(dir).map((file) => {
    const parsed = parseMigrationFileName(file);
    if (!parsed) throw new MigrationError(`Migration file name must be <14-digit timestamp>_<snake_name>.sql`, file);
    const path = join(dir, file);
    const sql = readFileSync(path, 'utf8');
    return {
      ...parsed,
      path,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
}

const HISTORY_DDL = `
  create schema if not exists supabase_migrations;
  create table if not exists supabase_migrations.schema_migrations (
    version text primary key, statements text[], name text
  );
  -- Coko's addition: a checksum per applied file, so an edited migration is refused.
  create table if not exists supabase_migrations.coko_checksums (
    version text primary key, checksum text not null, applied_at timestamptz not null default now()
  );
`;

/** Every step of the runner takes it: concurrent runners (two deploys) take turns. */
const LOCK = `select pg_advisory_xact_lock(hashtext('coko.migrate'))`;

/**
 * Applies pending migrations in order, each in its own transaction, as the non-superuser
 * `postgres` role when the connection may switch to it (as Supabase runs them). Refuses to run when
 * an applied file has changed. A failing migration is rolled back and reported with its file,
 * line and column, leaving the database as it was before that file. Only transaction-level locks
 * and settings: it runs over a direct connection or a transaction-mode pooler alike (docs/SCALING.md).
 */
export async function migrate(client: pg.Client, files: MigrationFile[]): Promise<{ applied: string[] }> {
  const asPostgres = await canSetRolePostgres(client);
  // The history belongs to postgres, as on Supabase, so the API (connected as postgres) can read it.
  await inTransaction(client, async (tx) => {
    await tx.query(LOCK);
    if (asPostgres) await tx.query('set local role postgres');
    await tx.query(HISTORY_DDL);
  });
  const { rows } = await client.query<{ version: string; checksum: string | null }>(
    `select m.version, c.checksum from supabase_migrations.schema_migrations m
     left join supabase_migrations.coko_checksums c using (version)`,
  );
  const applied = new Map(rows.map((row) => [row.version, row.checksum]));
  for (const file of files) {
    const checksum = applied.get(file.version);
    if (checksum && checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${basename(file.path)} was changed after it was applied. Applied migrations are immutable: revert the edit and add a new migration.`,
        basename(file.path),
      );
    }
  }
  const done: string[] = [];
  for (const file of files.filter((f) => !applied.has(f.version))) {
    if (await applyOne(client, file, asPostgres)) done.push(file.version);
  }
  return { applied: done };
}

/** Applies `file` unless another runner did while this one waited for the lock; true when it did. */
async function applyOne(client: pg.Client, file: MigrationFile, asPostgres: boolean): Promise<boolean> {
  return inTransaction(client, async (tx) => {
    await tx.query(LOCK);
    const { rows } = await tx.query('select 1 from supabase_migrations.schema_migrations where version = $1', [
      file.version,
    ]);
    if (rows.length > 0) return false;
    if (asPostgres) await tx.query('set local role postgres');
    await tx.query(file.sql);
    if (asPostgres) await tx.query('reset role');
    await tx.query(
      `insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)`,
      [file.version, [file.sql], file.name],
    );
    await tx.query(`insert into supabase_migrations.coko_checksums (version, checksum) values ($1, $2)`, [
      file.version,
      file.checksum,
    ]);
    return true;
  }).catch((error: unknown) => {
    throw toMigrationError(error, file);
  });
}

/** Runs a SQL file (the seed) in one transaction as `postgres` when possible. */
export async function runSqlFile(client: pg.Client, path: string): Promise<void> {
  const sql = readFileSync(path, 'utf8');
  const asPostgres = await canSetRolePostgres(client);
  await inTransaction(client, async (tx) => {
    if (asPostgres) await tx.query('set local role postgres');
    await tx.query(sql);
  }).catch((error: unknown) => {
    throw toMigrationError(error, { path, sql });
  });
}

async function canSetRolePostgres(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    `select current_user <> 'postgres' and exists (select from pg_roles where rolname = 'postgres')
            and pg_has_role(current_user, 'postgres', 'member') as ok`,
  );
  return rows[0]?.ok ?? false;
}

function toMigrationError(error: unknown, file: { path: string; sql: string }): MigrationError {
  const pgError = error as { message?: string; position?: string; code?: string; detail?: string };
  const position = pgError.position ? Number(pgError.position) : undefined;
  const { line, column } = position ? lineAndColumn(file.sql, position) : {};
  const where = line ? `:${line}:${column}` : '';
  const detail = pgError.detail ? ` (${pgError.detail})` : '';
  const code = pgError.code ? ` [SQLSTATE ${pgError.code}]` : '';
  return new MigrationError(
    `${basename(file.path)}${where}: ${pgError.message ?? String(error)}${detail}${code}`,
    basename(file.path),
    line,
    column,
  );
}

function lineAndColumn(sql: string, position: number): { line: number; column: number } {
  const before = sql.slice(0, position - 1);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
