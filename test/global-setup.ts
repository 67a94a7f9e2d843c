import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createProjectKeys,
  ensureDatabase,
  externalPostgres,
  freePort,
  makeTempDir,
  prepareDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from '@coko/server/dev';
import '@coko/server/testing';
import type { TestProject } from 'vitest/node';

const TEMPLATE = 'coko_template';

/**
 * Once per run: one Postgres (embedded in a temp folder, or DATABASE_URL), bootstrapped, migrated
 * and seeded into a template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  const keys = await createProjectKeys();
  const dir = makeTempDir('coko-test-');
  const postgres = process.env.DATABASE_URL
    ? externalPostgres(process.env.DATABASE_URL)
    : await startEmbeddedPostgres({
        dataDir: join(dir, 'pg'),
        port: await freePort(),
        password: keys.adminPassword,
        persistent: false,
      });
  const adminUrl = withDatabase(postgres.adminUrl, 'postgres');
  await ensureDatabase(adminUrl, TEMPLATE).catch(async () => {});
  const external = !postgres.embedded;
  await prepareDatabase(withDatabase(adminUrl, TEMPLATE), keys, { seed: true, setPostgresPassword: !external });
  project.provide('cokoCluster', { adminUrl, template: TEMPLATE, keys, external });
  return async () => {
    if (postgres.embedded) await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
