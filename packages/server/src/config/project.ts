// Where a Coko project's files are (its `supabase/` folder and the `.coko/` state next to it), resolved
// when asked, never at import: the production entry runs from any folder, with or without a checkout.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The nearest folder at or above `from` for which `found` holds. */
export function findAbove(from: string, found: (dir: string) => boolean): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (found(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let explicitSupabaseDir: string | undefined;

/** Points the dev stack and the CLI at a `supabase/` folder (migrations, seed.sql); same as `COKO_SUPABASE_DIR`. */
export function setSupabaseDir(dir: string | undefined): void {
  explicitSupabaseDir = dir === undefined ? undefined : resolve(dir);
}

/**
 * The project's `supabase/` folder: `setSupabaseDir()`, else `COKO_SUPABASE_DIR`, else the nearest
 * `supabase/` holding `migrations/` above the working directory, else the one above these sources.
 *
 * @throws when there is none, with what to set.
 */
export function supabaseDir(): string {
  if (explicitSupabaseDir) return explicitSupabaseDir;
  if (process.env.COKO_SUPABASE_DIR) return resolve(process.env.COKO_SUPABASE_DIR);
  const hasProject = (dir: string) => existsSync(join(dir, 'supabase', 'migrations'));
  const project = findAbove(process.cwd(), hasProject) ?? findAbove(here, hasProject);
  if (!project) {
    throw new Error(
      `No supabase/migrations folder above ${process.cwd()}: run from your project, or set COKO_SUPABASE_DIR to its supabase/ folder.`,
    );
  }
  return join(project, 'supabase');
}

/** Local state (keys, Postgres data, dev.json): `COKO_STATE_DIR`, else `.coko/` next to `supabase/`. */
export function stateDir(): string {
  if (process.env.COKO_STATE_DIR) return resolve(process.env.COKO_STATE_DIR);
  return join(dirname(supabaseDir()), '.coko');
}
