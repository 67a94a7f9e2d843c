import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestCluster, TestStack } from './index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const STOP_GRACE_MS = 30_000;

/** Starts a test file's stack in a child process (see stack-process.ts) and returns it. */
export function spawnTestStack(cluster: TestCluster): Promise<TestStack> {
  const require = createRequire(import.meta.url);
  const tsxCli = require.resolve('tsx/cli');
  const child = spawn(process.execPath, [tsxCli, join(here, 'stack-process.ts')], {
    env: { ...process.env, COKO_TEST_CLUSTER: JSON.stringify(cluster) },
    stdio: ['pipe', 'pipe', 'inherit'],
    // Its own process group (PostgREST included), so a stuck stop can take the whole group down. It
    // still dies with us: our end of its stdin closes however we exit (see stack-process.ts).
    detached: true,
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
  };
  return new Promise((resolveStack, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      child.stdout.off('data', onData);
      const info = JSON.parse(buffer.slice(0, newline)) as Omit<TestStack, 'stop'>;
      resolveStack({
        ...info,
        stop: async () => {
          child.kill('SIGTERM');
          // A safety net only: a clean stop takes well under a second.
          const timer = setTimeout(killGroup, STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
          killGroup(); // a PostgREST the stop left behind
        },
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The test stack process exited early (code ${code}).`)));
  });
}
