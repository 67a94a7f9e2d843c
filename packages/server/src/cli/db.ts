import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  externalPostgres,
  freePort,
  loadOrCreateProjectKeys,
  type PostgresServer,
  prepareDatabase,
  repoRoot,
  runSqlFile,
  seedFile,
  startEmbeddedPostgres,
  withClient,
} from '../stack/index.js';

/** Local state (keys, Postgres data, dev.json); `COKO_STATE_DIR` moves it (benches, parallel stacks). */
export const stateDir = process.env.COKO_STATE_DIR ? resolve(process.env.COKO_STATE_DIR) : join(repoRoot, '.coko');

const localDataDir = join(stateDir, 'postgres');

export interface CommandDatabase {
  url: string;
  server: PostgresServer;
  source: string;
}

/**
 * The database commands act on: `DATABASE_URL`, or the local embedded one under `.coko/` (started
 * for the command). Refuses while another process (`coko dev`) runs the local one: starting a second
 * server on the same data would stop the first.
 */
export async function openDatabase(): Promise<{ url: string; server: PostgresServer }> {
  if (!process.env.DATABASE_URL && postmasterRunning(localDataDir)) {
    throw new Error('The local database is in use (is `coko dev` running?): stop it first, or set DATABASE_URL.');
  }
  const keys = await loadOrCreateProjectKeys(join(stateDir, 'keys.json'));
  const server = process.env.DATABASE_URL
    ? externalPostgres(process.env.DATABASE_URL)
    : await startEmbeddedPostgres({
        dataDir: localDataDir,
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
    return { url, server: externalPostgres(url), source: 'DATABASE_URL' };
  }
  const devFile = join(stateDir, 'dev.json');
  if (existsSync(devFile)) {
    const { databaseUrl } = JSON.parse(readFileSync(devFile, 'utf8')) as { databaseUrl?: string };
    if (databaseUrl && (await reachable(databaseUrl))) {
      return { url: databaseUrl, server: externalPostgres(databaseUrl), source: 'coko dev (.coko/dev.json)' };
    }
  }
  if (options.requireLocal && !existsSync(join(localDataDir, 'PG_VERSION'))) throw new Error(options.requireLocal);
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

export async function migrateCommand(): Promise<number> {
  const { url, server } = await openDatabase();
  try {
    const keys = await loadOrCreateProjectKeys(join(stateDir, 'keys.json'));
    const result = await prepareDatabase(url, keys, { seed: false, setPostgresPassword: server.embedded });
    console.log(result.applied.length ? `Applied ${result.applied.join(', ')}` : 'Database is up to date.');
    return 0;
  } finally {
    await server.stop();
  }
}

export async function seedCommand(): Promise<number> {
  const { url, server } = await openDatabase();
  try {
    await withClient(url, (client) => runSqlFile(client, seedFile));
    console.log('Seeded.');
    return 0;
  } finally {
    await server.stop();
  }
}
