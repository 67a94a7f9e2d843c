import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEdgeFunction } from '../edge/build.ts';
import { migrationsDir, supabaseDir } from '../stack/paths.ts';

/** `coko build:function`: bundles the API into supabase/functions/api/dist/ for `supabase functions deploy api`. */
export async function buildFunctionCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-minify': { type: 'boolean' } } });
  const functionDir = join(supabaseDir(), 'functions', 'api');
  const result = await buildEdgeFunction({ functionDir, migrationsDir: migrationsDir(), minify: !values['no-minify'] });
  const latest = result.expectedMigrations.at(-1) ?? 'none';
  console.log(
    `built ${relative(dirname(supabaseDir()), result.file)} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, fonts included; /ready expects migrations up to ${latest})`,
  );
  return 0;
}
