#!/usr/bin/env node
import { parseArgs } from 'node:util';

const HELP = `coko — Coko's local stack and operations

Usage: coko <command> [options]

Commands:
  dev            Start the local stack (Postgres, PostgREST, API, gateway) with demo data
                   --reset        wipe .coko/ (database, keys) first
                   --port <n>     gateway port (default: $COKO_PORT or 54321)
                   --host <addr>  bind address (default 127.0.0.1)
  api            Serve the API (production: config from the environment, DATABASE_URL required);
                   SIGTERM stops it gracefully
  gateway        Run the production gateway in front of a Supabase project (partners' pk_ keys,
                 origins, body limit, hardening); settings from the environment, see docs/DEPLOY.md
  migrate        Apply pending migrations (to $DATABASE_URL, or the local .coko database)
  seed           Run supabase/seed.sql
  build:function Bundle the API, its dependencies and fonts into supabase/functions/api/dist/
                   (run before \`supabase functions deploy api\`; --no-minify for readable traces)
  openapi        Write docs/openapi.json from the app (--check: fail when it is stale)
  types          Regenerate packages/sdk/src/database.types.ts from a fresh database
                   --check        fail when the committed file is stale
  worker         Run the pg-boss job worker (--concurrency <n>, --stop-timeout <s>); SIGTERM stops it gracefully
  partners       Partners (the apps that embed Coko); \`coko partners --help\` for details
                   create --name <name> [--slug <s>] [--origin <https://…>]… [--country SN] [--language fr]
                                  prints the id and both keys (shown once)
                   list | show <id|slug> | update <id|slug> … | suspend <id|slug> | resume <id|slug>
  keys           Partner API keys: create <partner> --kind secret|publishable | list <partner>
                   | rotate <key id> [--overlap 24h] | revoke <key id>
  roles          Application roles: grant|revoke <user id|email> <admin|moderator> | list
  orders         Payments: refund <order id> --reason <text> (revokes the entitlement, audited)
  books          Publishing: import <folder> [--publish] (every .epub/.pdf as a draft book, progress shown)

Environment:
  DATABASE_URL   use an existing Postgres (superuser URL) instead of embedded Postgres
  COKO_PORT      gateway port for dev
  SUPABASE_URL, SUPABASE_PUBLISHABLE_KEY, SUPABASE_SECRET_KEY, DATABASE_URL, PORT, HOST,
  GATEWAY_BODY_LIMIT_BYTES, GATEWAY_UPSTREAM_TIMEOUT_MS, GATEWAY_TRUSTED_PROXIES, GATEWAY_DB_POOL_MAX,
  GATEWAY_FAILED_KEY_BURST
                 coko gateway's settings (docs/DEPLOY.md)
  COKO_ACTOR     your Coko user id or email, recorded as the actor of partners/keys/roles changes in
                 audit_logs (the OS user is always recorded, as the entry's user agent)

partners, keys, roles, orders and books act on $DATABASE_URL, else the running \`coko dev\` database, else the local
.coko database. Errors exit with code 1.
`;

type Command = (args: string[]) => Promise<number | undefined>;

// Each command is loaded when run: the dev stack (embedded Postgres, PostgREST, migrations runner,
// typegen) only by dev, migrate, seed and types; worker and the admin commands never load it with DATABASE_URL.
const commands: Record<string, Command> = {
  dev: async (args) => (await import('./dev.ts')).dev(args),
  // Serves until a signal stops it (the shutdown handlers exit the process).
  api: async () => {
    await (await import('../app/node.ts')).main();
    return undefined;
  },
  migrate: async () => (await import('./migrate.ts')).migrateCommand(),
  seed: async () => (await import('./migrate.ts')).seedCommand(),
  types: async (args) => (await import('./types.ts')).typesCommand(args),
  'build:function': async (args) => (await import('./function.ts')).buildFunctionCommand(args),
  openapi: async (args) => (await import('./openapi.ts')).openapiCommand(args),
  gateway: async (args) => (await import('./gateway.ts')).gatewayCommand(args),
  worker: async (args) => (await import('./worker.ts')).workerCommand(args),
  partners: async (args) => (await import('./partners.ts')).partnersCommand(args),
  keys: async (args) => (await import('./keys.ts')).keysCommand(args),
  roles: async (args) => (await import('./roles.ts')).rolesCommand(args),
  orders: async (args) => (await import('./orders.ts')).ordersCommand(args),
  books: async (args) => (await import('./books.ts')).booksCommand(args),
};

const [name, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: name ? [] : process.argv.slice(2),
  options: { help: { type: 'boolean', short: 'h' } },
  strict: false,
});
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
