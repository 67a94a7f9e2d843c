// How tests run the real Deno binary (npm `deno`) offline: with --node-modules-dir=manual Deno
// resolves the deno.json `npm:` imports from the workspace's node_modules, so nothing is downloaded.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// The executable itself, not `.bin/deno`: that shim runs the binary as a child of a node process
// (spawnSync), so killing what a test spawned left Deno running after the run.
const executable = fileURLToPath(
  new URL(`../node_modules/deno/${process.platform === 'win32' ? 'deno.exe' : 'deno'}`, import.meta.url),
);
export const deno = existsSync(executable)
  ? executable
  : fileURLToPath(new URL('../node_modules/.bin/deno', import.meta.url));
export const denoArgs = ['--node-modules-dir=manual', '--no-lock', '--config', 'supabase/functions/api/deno.json'];
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
