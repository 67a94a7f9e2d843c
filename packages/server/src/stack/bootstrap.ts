import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { bootstrapFile } from './paths.ts';

/**
 * True for a database that Supabase manages: GoTrue's own migrations table only exists there.
 * The local bootstrap never creates it.
 */
export async function isSupabaseDatabase(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>(
    `select to_regclass('auth.schema_migrations') is not null as found`,
  );
  return rows[0]?.found ?? false;
}

/**
 * Recreates Supabase's roles, schemas and auth/storage helpers on plain Postgres (idempotent), and
 * sets the authenticator's password so PostgREST can log in. Skipped on a Supabase database.
 */
export async function bootstrapDatabase(
  client: pg.Client,
  options: { authenticatorPassword: string },
): Promise<'bootstrapped' | 'skipped'> {
  if (await isSupabaseDatabase(client)) return 'skipped';
  await client.query(readFileSync(bootstrapFile(), 'utf8'));
  await client.query(`alter role authenticator with password ${client.escapeLiteral(options.authenticatorPassword)}`);
  return 'bootstrapped';
}
