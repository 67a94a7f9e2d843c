import { join, resolve } from 'node:path';
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

/** The database commands act on: `DATABASE_URL`, or the local embedded one under `.coko/`. */
export async function openDatabase(): Promise<{ url: string; server: PostgresServer }> {
  const keys = await loadOrCreateProjectKeys(join(stateDir, 'keys.json'));
  const server = process.env.DATABASE_URL
    ? externalPostgres(process.env.DATABASE_URL)
    : await startEmbeddedPostgres({
        dataDir: join(stateDir, 'postgres'),
        port: await freePort(),
        password: keys.adminPassword,
      });
  return { url: server.adminUrl, server };
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
