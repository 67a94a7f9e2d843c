import { pgbouncerAvailability, spawnTestStack, startTestPooler } from '@coko/server/testing';
import { afterAll, expect, inject } from 'vitest';
import { setCurrentStack } from './stack.js';

// Every test file gets its own database (cloned from the migrated template) and its own PostgREST,
// API and gateway, in a child process (see stack-process.ts). The env variables let package tests find it without importing the harness.
const cluster = inject('cokoCluster');
// A `*.pooler.test.ts` file gets its own PgBouncer (transaction mode) between its services and the
// database, unless the whole run already goes through one (COKO_TEST_POOLER). Without PgBouncer such
// a file runs on a direct stack and skips its tests, saying why (see pgbouncerAvailability).
const ownPooler =
  !cluster.pooler && /\.pooler\.test\.ts$/.test(expect.getState().testPath ?? '') && 'binary' in pgbouncerAvailability()
    ? await startTestPooler(cluster.adminUrl, cluster.keys)
    : undefined;
const stack = await spawnTestStack(
  ownPooler ? { ...cluster, pooler: { host: ownPooler.host, port: ownPooler.port } } : cluster,
);
setCurrentStack(stack);
process.env.COKO_TEST_URL = stack.url;
process.env.COKO_TEST_PUBLISHABLE_KEY = stack.publishableKey;
process.env.COKO_TEST_SECRET_KEY = stack.secretKey;
process.env.COKO_TEST_DATABASE_URL = stack.databaseUrl;
process.env.COKO_TEST_ADMIN_DATABASE_URL = stack.adminDatabaseUrl;

afterAll(async () => {
  await stack.stop();
  await ownPooler?.stop();
});
