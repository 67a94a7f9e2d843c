// The test command's last check (scripts/check.mjs): servers a run started and left running are found,
// whether they still descend from the run or were orphaned.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSurvivors, processStart } from '../scripts/survivors.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const deno = fileURLToPath(new URL('../packages/server/node_modules/deno/deno', import.meta.url));

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 30_000; // a safety net: the condition is an explicit process state
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!existsSync('/proc/self/stat'))('findSurvivors', () => {
  it('lists a Deno of this checkout started during the run, and forgets it once it exits', async () => {
    const since = processStart();
    // Its own session-less process group and no pipe to us: what a leaked server looks like.
    const child = spawn(deno, ['eval', 'setInterval(() => {}, 1000)'], {
      cwd: root,
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env.PATH, DENO_NO_UPDATE_CHECK: '1' },
    });
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    const pid = child.pid as number;
    try {
      const found = () => findSurvivors({ root, since, ancestor: process.pid }).find((p) => p.pid === pid);
      await until(() => found() !== undefined, 'the deno process to be listed');
      expect(found()).toMatchObject({ pid, name: 'deno' });
      expect(found()?.command).toContain(`${root}packages/server/node_modules`);
      // Processes that were running before the run began are not the run's.
      const later = processStart(pid) + 1;
      expect(findSurvivors({ root, since: later, ancestor: process.pid }).some((p) => p.pid === pid)).toBe(false);

      child.kill('SIGKILL');
      await exited;
      expect(found()).toBeUndefined();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
