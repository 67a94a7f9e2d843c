// The real Deno binary as a test's child process that cannot outlive the test (see orphan-guard.mjs).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The binary itself, not node_modules/.bin/deno: that shim is a node process that spawns the binary
// and, when killed, leaves it running.
export const deno = fileURLToPath(new URL('../node_modules/deno/deno', import.meta.url));
const guard = fileURLToPath(new URL('./orphan-guard.mjs', import.meta.url));

export interface DenoProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM to Deno's process group (SIGKILL after 5 s); resolves when it is gone. */
  stop(): Promise<void>;
}

/**
 * Spawns `deno <args>` under the orphan guard: stopped with `stop()`, on Ctrl-C, or when this process
 * dies (even by SIGKILL), Deno and everything it started go too.
 */
export function spawnDeno(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): DenoProcess {
  const child = spawn(process.execPath, [guard, deno, ...args], { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Polls `url` until it answers (or the process exits, or `timeoutMs` passes: a safety net only). */
export async function waitForDeno(process: DenoProcess, url: string, init?: RequestInit, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) {
      throw new Error(`deno exited with ${process.child.exitCode}:\n${process.output()}`);
    }
    const res = await fetch(url, init).catch(() => undefined);
    if (res) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from deno within ${timeoutMs / 1000} s:\n${process.output()}`);
}
