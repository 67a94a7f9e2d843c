import { spawnTestStack } from '@coko/server/testing';
import { afterAll, inject } from 'vitest';
import { setCurrentStack } from './stack.js';

// Every test file gets its own database (cloned from the migrated template) and its own PostgREST,
// API and gateway, in a child process (see stack-process.ts). The env variables let package tests find it without importing the harness.
const stack = await spawnTestStack(inject('cokoCluster'));
setCurrentStack(stack);
process.env.COKO_TEST_URL = stack.url;
process.env.COKO_TEST_PUBLISHABLE_KEY = stack.publishableKey;
process.env.COKO_TEST_SECRET_KEY = stack.secretKey;
process.env.COKO_TEST_DATABASE_URL = stack.databaseUrl;
process.env.COKO_TEST_ADMIN_DATABASE_URL = stack.adminDatabaseUrl;

afterAll(async () => {
  await stack.stop();
});
