// The harness leaves nothing behind when a test worker dies without cleaning up (SIGKILL, OOM):
// the stack process sees its stdin close and stops PostgREST; Deno's orphan guard does the same.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { alive, descendants } from '../proc.ts';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = new URL('./fixtures/harness-parent.ts', import.meta.url).pathname;

async function until(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs; // a safety net: the condition is an explicit process state
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const deaths = [
  // The worker dies alone (OOM killer, vitest tearing a fork down).
  { how: 'SIGKILLed', kill: (pid: number) => process.kill(pid, 'SIGKILL') },
  // Ctrl-C: the terminal signals the whole foreground process group.
  { how: 'interrupted with Ctrl-C (SIGINT to its group)', kill: (pid: number) => process.kill(-pid, 'SIGINT') },
];

describe.skipIf(!existsSync('/proc/self/stat'))('a test worker that dies without cleaning up', () => {
  it.each(deaths)(
    'takes its PostgREST, stack process and Deno down with it when $how',
    async ({ kill }) => {
      const parent = spawn(process.execPath, ['--import', tsxLoader, fixture], {
        env: { ...process.env, COKO_TEST_CLUSTER: JSON.stringify(inject('cokoCluster')) },
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true, // its own group, standing for the terminal's foreground group
      });
      const exited = new Promise<void>((resolveExit) => parent.once('exit', () => resolveExit()));
      try {
        const line = await new Promise<string>((resolveLine, reject) => {
          let buffer = '';
          parent.stdout?.on('data', (chunk) => {
            buffer += chunk;
            if (buffer.includes('\n')) resolveLine(buffer.slice(0, buffer.indexOf('\n')));
          });
          parent.once('exit', (code) => reject(new Error(`the fixture exited early (${code})`)));
        });
        const { postgrestUrl, deno } = JSON.parse(line) as { postgrestUrl: string; deno: number };
        await until(() => descendants(parent.pid as number).some((p) => p.name === 'deno'), 'deno to start');
        const children = descendants(parent.pid as number);
        const servers = children.filter(({ name }) => name === 'postgrest' || name === 'deno');
        expect(servers.map(({ name }) => name).sort()).toEqual(['deno', 'postgrest']);
        expect((await fetch(`${postgrestUrl}/`)).status).toBeLessThan(500);
        expect(alive(deno)).toBe(true);

        kill(parent.pid as number);
        await exited;
        for (const { pid, name } of children) await until(() => !alive(pid), `${name} (pid ${pid}) to exit`);
        await expect(fetch(`${postgrestUrl}/`)).rejects.toThrow();
      } finally {
        if (parent.exitCode === null && parent.signalCode === null) process.kill(-(parent.pid as number), 'SIGKILL');
      }
    },
    90_000,
  );
});
