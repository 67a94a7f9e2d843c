import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, chownSync, constants, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { osUser } from './os-user.ts';
import { makeTempDir } from './paths.ts';

/** Where Debian's `pgbouncer` package installs the binary (also looked up on PATH). */
const DEBIAN_BINARY = '/usr/sbin/pgbouncer';

/** PgBouncer's binary: `PGBOUNCER_PATH`, Debian's, or one on PATH; undefined when it is not installed. */
export function findPgbouncer(): string | undefined {
  const candidates = [
    process.env.PGBOUNCER_PATH,
    DEBIAN_BINARY,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'pgbouncer')),
  ];
  return candidates.find((file): file is string => Boolean(file) && isExecutable(file as string));
}

export interface PgbouncerOptions {
  /** The Postgres it pools (every database of that server is reachable under its own name). */
  upstream: { host: string; port: number };
  port: number;
  /**
   * The roles clients log in as, with their passwords: PgBouncer checks clients against them and
   * logs in to Postgres with them (a server asking for a plain password needs the password itself,
   * not a SCRAM secret an `auth_query` would return). The first one administers the `pgbouncer` console.
   */
  users: ReadonlyArray<{ name: string; password: string }>;
  /** Server connections per (database, role) pair (default 10). */
  poolSize?: number;
  binary?: string;
  log?: (line: string) => void;
}

export interface PgbouncerServer {
  host: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts PgBouncer in `pool_mode = transaction` in front of a Postgres, as a managed pooler runs
 * (Supabase's Supavisor on port 6543): a server connection belongs to a client for one transaction
 * only, so nothing may rely on session state.
 *
 * @example
 * ```ts
 * const pooler = await startPgbouncer({ upstream: { host: '127.0.0.1', port: 5432 }, port: 6543, authUser })
 * // postgres://postgres:…@127.0.0.1:6543/app
 * ```
 */
export async function startPgbouncer(options: PgbouncerOptions): Promise<PgbouncerServer> {
  const binary = options.binary ?? findPgbouncer();
  if (!binary) throw new Error('PgBouncer is not installed (apt-get install pgbouncer, or set PGBOUNCER_PATH)');
  const dir = makeTempDir('coko-pgbouncer-');
  const ini = join(dir, 'pgbouncer.ini');
  const users = join(dir, 'userlist.txt');
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  writeFileSync(users, options.users.map((user) => `${quote(user.name)} ${quote(user.password)}\n`).join(''), {
    mode: 0o600,
  });
  writeFileSync(ini, configFile(options, users));
  // PgBouncer refuses to run as root: it drops to the `postgres` OS user, which must read its files.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = osUser('postgres');
    chownSync(users, uid, gid);
  }
  const child = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    options.log?.(chunk.toString().trimEnd());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  // A separate binary: whatever way this process exits, PgBouncer goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // immediate shutdown: clients are gone or going
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await acceptsConnections(options.port, exited))) {
    await stop();
    throw new Error(`PgBouncer did not start:\n${output}`);
  }
  return { host: '127.0.0.1', port: options.port, process: child, stop };
}

function configFile(options: PgbouncerOptions, authFile: string): string {
  const { upstream, port, users } = options;
  return `[databases]
* = host=${upstream.host} port=${upstream.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
pool_mode = transaction
auth_type = scram-sha-256
auth_file = ${authFile}
admin_users = ${users[0]?.name ?? ''}
max_client_conn = 1000
default_pool_size = ${options.poolSize ?? 10}
; PgBouncer 1.18 refuses startup parameters it does not track. \`options\` (-c statement_timeout=…)
; would set a session setting on a connection other clients share: it is dropped here, and timeouts
; behind a pooler come from role settings (docs/SCALING.md).
ignore_startup_parameters = options,extra_float_digits
log_connections = 0
log_disconnections = 0
`;
}

async function acceptsConnections(port: number, exited: Promise<void>, timeoutMs = 10_000): Promise<boolean> {
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !hasExited) {
    const open = await new Promise<boolean>((resolveOpen) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolveOpen(true);
      });
      socket.once('error', () => resolveOpen(false));
    });
    if (open) return !hasExited;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
