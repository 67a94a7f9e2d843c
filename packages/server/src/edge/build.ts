// Bundles the edge entry (main.ts), every module it imports and the PDF fonts into one self-contained
// ES module, so `supabase functions deploy api` uploads a directory that imports nothing outside it.
import { mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrations } from '../stack/migrate.ts';

/** The bundle's file inside the function directory; `supabase/functions/api/index.ts` imports it. */
export const EDGE_BUNDLE_FILE = join('dist', 'main.js');

export interface BuildEdgeFunctionOptions {
  /** The function directory (default `supabase/functions/api` of this checkout). */
  functionDir: string;
  /** Migrations `/ready` will require (default: every file in `supabase/migrations`). */
  migrationsDir: string;
  /** Minify the bundle (default true; tests turn it off for readable stack traces). */
  minify?: boolean | undefined;
}

export interface EdgeBuildResult {
  file: string;
  bytes: number;
  expectedMigrations: string[];
  /** Modules the bundle imports at load time (node: built-ins only, or the directory is not self-contained). */
  imports: string[];
}

/** Writes `<functionDir>/dist/main.js`, built with the migration versions of `migrationsDir`. */
export async function buildEdgeFunction(options: BuildEdgeFunctionOptions): Promise<EdgeBuildResult> {
  // esbuild is a build tool of the workspace, never needed by the running server.
  const { build } = await import('esbuild');
  const expectedMigrations = readMigrations(options.migrationsDir).map((migration) => migration.version);
  const file = join(options.functionDir, EDGE_BUNDLE_FILE);
  mkdirSync(join(options.functionDir, 'dist'), { recursive: true });
  const mainFile = fileURLToPath(new URL('./main.ts', import.meta.url));
  const result = await build({
    stdin: {
      contents: `import { startEdgeFunction } from ${JSON.stringify(mainFile)};\nstartEdgeFunction({ expectedMigrations: ${JSON.stringify(expectedMigrations)} });\n`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      sourcefile: 'edge-entry.ts',
      loader: 'ts',
    },
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    conditions: ['deno', 'worker'],
    loader: { '.ttf': 'binary' },
    // Optional native/Cloudflare drivers pg only loads when asked to.
    external: ['pg-native', 'pg-cloudflare'],
    // CommonJS dependencies (pg) require Node built-ins; Deno provides them through node:module.
    banner: {
      js: "import { createRequire as __cokoCreateRequire } from 'node:module';\nconst require = __cokoCreateRequire(import.meta.url);",
    },
    minify: options.minify ?? true,
    legalComments: 'eof',
    // Deno resolves Node built-ins only with the `node:` prefix.
    plugins: [
      {
        name: 'node-prefix',
        setup(build) {
          const bare = new RegExp(`^(${builtinModules.join('|').replaceAll('/', '\\/')})$`);
          build.onResolve({ filter: bare }, (args) => ({ path: `node:${args.path}`, external: true }));
        },
      },
    ],
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const imports = (output?.imports ?? [])
    .filter((entry) => entry.kind === 'import-statement' || entry.kind === 'dynamic-import')
    .map((entry) => entry.path);
  return { file, bytes: output?.bytes ?? 0, expectedMigrations, imports: [...new Set(imports)] };
}
