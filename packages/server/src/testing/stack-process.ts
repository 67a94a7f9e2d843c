// Runs one test file's stack (cloned database, PostgREST, API, gateway) in its own process, so the
// servers never run inside a test environment (happy-dom swaps fetch, Request and Response) and a
// test file talks to them over real sockets, as a partner app would. Protocol: the cluster arrives
// as JSON in COKO_TEST_CLUSTER; one JSON line with the stack goes to stdout; SIGTERM stops it.
import { rmSync } from 'node:fs';
import { createApiFactory } from '../app/api-factory.ts';
import { makeTempDir } from '../stack/paths.ts';
import { startTestStack, type TestCluster } from './index.ts';

const cluster = JSON.parse(process.env.COKO_TEST_CLUSTER ?? '') as TestCluster;
// Each file's API stores book files and covers in its own folder, removed when the stack stops.
const storageRoot = makeTempDir('coko-test-storage-');
const stack = await startTestStack(
  cluster,
  createApiFactory({
    env: 'test',
    environment: {
      LOG_LEVEL: process.env.COKO_TEST_LOG_LEVEL ?? 'silent',
      // A test file sends hundreds of requests from one address: limits are tested on their own apps
      // (packages/server/test/limits), not on every file's stack.
      RATE_LIMITS: process.env.COKO_TEST_RATE_LIMITS ?? 'off',
      STORAGE_LOCAL_ROOT: storageRoot,
    },
  }),
);
const { stop, ...info } = stack;
process.stdout.write(`${JSON.stringify({ ...info, storageRoot })}\n`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  // If stopping hangs (Postgres gone mid-teardown), take the group down: PostgREST must not outlive us.
  setTimeout(() => {
    try {
      process.kill(-process.pid, 'SIGKILL'); // we lead our group when spawned by spawnTestStack
    } finally {
      process.exit(1);
    }
  }, 20_000).unref();
  try {
    await stop();
    rmSync(storageRoot, { recursive: true, force: true });
    process.exit(0);
  } catch (error) {
    console.error('test stack: stop failed', error);
    process.exit(1);
  }
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
// If the test worker dies, stdin closes: clean up rather than leak a database and a PostgREST.
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
