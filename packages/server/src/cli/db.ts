// The database a CLI command acts on. Production commands (worker, partners, keys, roles) with
// DATABASE_URL never load the dev stack: embedded Postgres is imported only for the local fallback.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { stateDir } from '../config/project.ts';

export { stateDir };

const localDataDir = () => join(stateDir(), 'postgres');

/** A database a command started (embedded, local) or was given (`DATABASE_URL`, never stopped by us). */
export interface CommandServer {
  adminUrl: string;
  /** True when this command started it. */
  embedded: boolean;
  stop(): Promise<void>;
}

export interface CommandDatabase {
  url: string;
  server: CommandServer;
  source: string;
}

const given = (url: string): CommandServer => ({ adminUrl: url, embedded: false, stop: async () => {} });

/**
 * The database commands act on: `DATABASE_URL`, or the local embedded one under `.coko/` (started
 * for the command). Refuses while another process (`coko dev`) runs the local one: starting a second
 * server on the same data would stop the first.
 */
export async function openDatabase(): Promise<{ url: string; server: CommandServer }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, server: given(process.env.DATABASE_URL) };
  if (postmasterRunning(localDataDir())) {
    throw new Error('The local database is in use (is `coko dev` running?): stop it first, or set DATABASE_URL.');
  }
  const { freePort, loadOrCreateProjectKeys, startEmbeddedPostgres } = await import('../stack/index.ts');
  const keys = await loadOrCreateProjectKeys(join(stateDir(), 'keys.json'));
  const server = await startEmbeddedPostgres({
    dataDir: localDataDir(),
    port: await freePort(),
    password: keys.adminPassword,
  });
  return { url: server.adminUrl, server };
}

/**
 * For commands that work on a live database (admin commands, the worker): `DATABASE_URL`; else the
 * running `coko dev` stack (`.coko/dev.json`, as the `postgres` role); else the local database under
 * `.coko/`, started for the command.
 */
export async function resolveDatabase(options: { requireLocal?: string } = {}): Promise<CommandDatabase> {
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    return { url, server: given(url), source: 'DATABASE_URL' };
  }
  const devFile = join(stateDir(), 'dev.json');
  if (existsSync(devFile)) {
    const { databaseUrl } = JSON.parse(readFileSync(devFile, 'utf8')) as { databaseUrl?: string };
    if (databaseUrl && (await reachable(databaseUrl))) {
      return { url: databaseUrl, server: given(databaseUrl), source: 'coko dev (.coko/dev.json)' };
    }
  }
  if (options.requireLocal && !existsSync(join(localDataDir(), 'PG_VERSION'))) throw new Error(options.requireLocal);
  const { url, server } = await openDatabase();
  return { url, server, source: 'local .coko database' };
}

export async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function postmasterRunning(dataDir: string): boolean {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
