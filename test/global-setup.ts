import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createProjectKeys,
  ensureDatabase,
  externalPostgres,
  freePort,
  makeTempDir,
  type ProjectKeys,
  prepareDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from '@coko/server/dev';
import { pgbouncerAvailability, startTestPooler } from '@coko/server/testing';
import type { TestProject } from 'vitest/node';

const TEMPLATE = 'coko_template';

/**
 * Once per run: one Postgres (embedded in a temp folder, or DATABASE_URL), bootstrapped, migrated
 * and seeded into a template database that every test file clones. With `COKO_TEST_POOLER=pgbouncer`,
 * every file's PostgREST, API and gateway connect through PgBouncer in transaction mode (docs/SCALING.md).
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
  const pooler = await startPooler(adminUrl, keys);
  project.provide('cokoCluster', {
    adminUrl,
    template: TEMPLATE,
    keys,
    external,
    pooler: pooler && { host: pooler.host, port: pooler.port },
  });
  return async () => {
    await pooler?.stop();
    if (postgres.embedded) await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

async function startPooler(adminUrl: string, keys: ProjectKeys) {
  const mode = process.env.COKO_TEST_POOLER;
  if (!mode) return undefined;
  if (mode !== 'pgbouncer') throw new Error(`COKO_TEST_POOLER=${mode}: the only pooler is pgbouncer`);
  const availability = pgbouncerAvailability();
  // Asked for explicitly: a missing PgBouncer fails the run rather than testing without it.
  if ('missing' in availability) throw new Error(`COKO_TEST_POOLER=pgbouncer, but ${availability.missing}`);
  return startTestPooler(adminUrl, keys);
}
