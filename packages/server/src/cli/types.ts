import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createProjectKeys,
  findRepoRoot,
  freePort,
  generateDatabaseTypes,
  makeTempDir,
  prepareDatabase,
  startEmbeddedPostgres,
} from '../stack/index.ts';

/** The SDK's generated types (in the Coko repository). */
export const typesFile = (): string => join(findRepoRoot(), 'packages', 'sdk', 'src', 'database.types.ts');

/** Types come from a fresh database built from the migrations alone, never from a dev database. */
export async function freshDatabaseTypes(): Promise<string> {
  const dir = makeTempDir('coko-types-');
  const keys = await createProjectKeys();
  const server = await startEmbeddedPostgres({
    dataDir: join(dir, 'pg'),
    port: await freePort(),
    password: keys.adminPassword,
    persistent: false,
  });
  try {
    await prepareDatabase(server.adminUrl, keys, { seed: false });
    return await generateDatabaseTypes(server.adminUrl);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function typesCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean' } } });
  const types = await freshDatabaseTypes();
  if (values.check) {
    const committed = readFileSync(typesFile(), 'utf8');
    if (committed !== types) {
      console.error(`${typesFile()} is stale: run \`pnpm --filter @coko/server run coko types\` and commit it.`);
      return 1;
    }
    console.log('Database types are up to date.');
    return 0;
  }
  writeFileSync(typesFile(), types);
  console.log(`Wrote ${typesFile()}`);
  return 0;
}
