// How tests run the real Deno binary (npm `deno`) offline: with --node-modules-dir=manual Deno
// resolves npm imports from the workspace's node_modules, so nothing is downloaded.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// The binary itself, not node_modules/.bin/deno: that shim is a node process that spawns the binary
// and, when killed, leaves it running.
export const deno = fileURLToPath(new URL('../node_modules/deno/deno', import.meta.url));
export const denoArgs = ['--node-modules-dir=manual', '--no-lock', '--config', 'packages/server/test/deno.json'];
export const denoEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  NO_COLOR: '1',
};

export interface DenoProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns Deno as the leader of its own process group, so `stop()` reaches every process it started
 * (and none survives the test file).
 */
export function spawnDeno(args: string[], options: SpawnOptions): DenoProcess {
  const child = spawn(deno, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  return {
    child,
    output: () => output,
    stop: async (graceMs = 5_000) => {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      if (child.exitCode === null && child.signalCode === null) await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // anything the leader left behind in its group
    },
  };
}

/** Polls `url` until it answers (or the process exits, or `timeoutMs` passes: a safety net only). */
export async function waitForDeno(process: DenoProcess, url: string, init?: RequestInit, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null)
      throw new Error(`deno exited with ${process.child.exitCode}:\n${process.output()}`);
    const res = await fetch(url, init).catch(() => undefined);
    if (res) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from deno within ${timeoutMs / 1000} s:\n${process.output()}`);
}

/**
 * Deno rewrites the root package.json ("workspaces" migrated from pnpm-workspace.yaml) when npm
 * resolution fails: restore it after the file's tests and fail loudly, so a run never leaves it behind.
 */
export function guardRootPackageJson(): void {
  const rootPackageJson = `${repoRoot}package.json`;
  let before: string;
  beforeAll(() => {
    before = readFileSync(rootPackageJson, 'utf8');
  });
  afterAll(() => {
    if (readFileSync(rootPackageJson, 'utf8') !== before) {
      writeFileSync(rootPackageJson, before);
      throw new Error(
        'Deno modified the root package.json (restored): npm resolution failed under --node-modules-dir=manual',
      );
    }
  });
}
