// How tests run the real Deno binary (npm `deno`) offline: with --node-modules-dir=manual Deno
// resolves npm imports from the workspace's node_modules, so nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

import { deno } from './deno-process.ts';

export { type DenoProcess, deno, spawnDeno, waitForDeno } from './deno-process.ts';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const denoArgs = ['--node-modules-dir=manual', '--no-lock', '--config', 'packages/server/test/deno.json'];
export const denoEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  NO_COLOR: '1',
};

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

/**
 * A script of the repository run by the real Deno binary, offline, resolving npm packages from the
 * workspace: `run(...args)` with read access only, `check()` type-checks it (output as text).
 */
export function denoScript(script: string) {
  return {
    run: (...extra: string[]) =>
      spawnSync(deno, ['run', ...denoArgs, '--allow-read', script, ...extra], {
        cwd: repoRoot,
        env: denoEnv,
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      }),
    check: () =>
      spawnSync(deno, ['check', ...denoArgs, script], {
        cwd: repoRoot,
        env: denoEnv,
        encoding: 'utf8',
        timeout: 60_000,
      }),
  };
}
