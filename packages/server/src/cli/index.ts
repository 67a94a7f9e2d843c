#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { dev } from './dev.js';
import { migrateCommand, seedCommand } from './db.js';
import { typesCommand } from './types.js';
import { workerCommand } from './worker.js';

const HELP = `coko — Coko's local stack and operations

Usage: coko <command> [options]

Commands:
  dev            Start the local stack (Postgres, PostgREST, API, gateway) with demo data
                   --reset        wipe .coko/ (database, keys) first
                   --port <n>     gateway port (default: $COKO_PORT or 54321)
                   --host <addr>  bind address (default 127.0.0.1)
  migrate        Apply pending migrations (to $DATABASE_URL, or the local .coko database)
  seed           Run supabase/seed.sql
  types          Regenerate packages/sdk/src/database.types.ts from a fresh database
                   --check        fail when the committed file is stale
  worker         Run the pg-boss job worker (--concurrency <n>, --stop-timeout <s>); SIGTERM stops it gracefully

Environment:
  DATABASE_URL   use an existing Postgres (superuser URL) instead of embedded Postgres
  COKO_PORT      gateway port for dev
`;

const commands: Record<string, (args: string[]) => Promise<number | undefined>> = {
  dev,
  migrate: migrateCommand,
  seed: seedCommand,
  types: typesCommand,
  worker: workerCommand,
};

const [name, ...rest] = process.argv.slice(2);
const { values } = parseArgs({ args: name ? [] : process.argv.slice(2), options: { help: { type: 'boolean', short: 'h' } }, strict: false });
const command = name ? commands[name] : undefined;
if (!command || values.help || name === 'help') {
  console.log(HELP);
  process.exit(command || !name || name === 'help' ? 0 : 2);
}
try {
  const code = await command(rest);
  if (code !== undefined) process.exit(code);
} catch (error) {
  console.error(`coko ${name}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
