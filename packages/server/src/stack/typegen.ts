import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Generates the `Database` TypeScript types exactly as `supabase gen types typescript` does, by
 * running postgres-meta's generator (the code behind the Supabase CLI) against a real database.
 */
export async function generateDatabaseTypes(databaseUrl: string, schemas = ['public']): Promise<string> {
  const require = createRequire(import.meta.url);
  const metaRoot = dirname(require.resolve('@supabase/postgres-meta/package.json'));
  const { stdout } = await promisify(execFile)(process.execPath, [join(metaRoot, 'dist', 'server', 'server.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PG_META_DB_URL: databaseUrl,
      PG_META_GENERATE_TYPES: 'typescript',
      PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: schemas.join(','),
      PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: 'true',
      PG_META_POSTGREST_VERSION: '12',
    },
    maxBuffer: 32 * 1024 * 1024,
  });
  return `${stdout.trimEnd()}\n`;
}
