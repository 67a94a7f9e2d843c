// The one reader of `supabase/migrations` file names, shared by the migration runner (dev stack) and
// the API's readiness check (which migrations it expects): one pattern, one order.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `<14-digit timestamp>_<snake_name>.sql`, as the Supabase CLI names migrations. */
export const MIGRATION_FILE_PATTERN = /^(\d{14})_([a-z0-9_]+)\.sql$/;

/** The version and name of a migration file name, or undefined when it does not follow the pattern. */
export function parseMigrationFileName(file: string): { version: string; name: string } | undefined {
  const match = MIGRATION_FILE_PATTERN.exec(file);
  return match ? { version: match[1] as string, name: match[2] as string } : undefined;
}

/** The `.sql` files of `dir`, sorted (= applied) in order. */
export function listMigrationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
}

/** Versions of the well-named migration files in `dir`, in order (the runner refuses the others). */
export function readMigrationVersions(dir: string): string[] {
  return listMigrationFiles(dir)
    .map((file) => parseMigrationFileName(file)?.version)
    .filter((version): version is string => version !== undefined);
}

/** `supabase/migrations` of the nearest folder at or above `from` that has one. */
export function findMigrationsDir(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'supabase', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
