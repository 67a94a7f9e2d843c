// `coko migrate` and `coko seed`: dev-stack commands (loaded only when run).
import { join } from 'node:path';
import { loadOrCreateProjectKeys, prepareDatabase, runSqlFile, seedFile, withClient } from '../stack/index.ts';
import { openDatabase, stateDir } from './db.ts';

export async function migrateCommand(): Promise<number> {
  const { url, server } = await openDatabase();
  try {
    const keys = await loadOrCreateProjectKeys(join(stateDir(), 'keys.json'));
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
    await withClient(url, (client) => runSqlFile(client, seedFile()));
    console.log('Seeded.');
    return 0;
  } finally {
    await server.stop();
  }
}
