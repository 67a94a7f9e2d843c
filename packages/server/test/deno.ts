// How tests run the real Deno binary (npm `deno`) offline: with --node-modules-dir=manual Deno
// resolves npm imports from the workspace's node_modules, so nothing is downloaded.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

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
