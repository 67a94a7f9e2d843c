#!/usr/bin/env node
// Readers pay for every byte: the SDK core (what a partner app ships for catalog and reading)
// must stay within its brotli budget. Bundles the built entry with its dependencies, as an app's
// bundler would (minified, browser platform, tree-shaken, code-split), and measures what loading the
// entry downloads — the entry chunk plus the chunks it imports statically — compressed as one; chunks
// loaded on demand (the error mapping, the reading and account implementations) are reported beside it.
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const budgets = [
  // 15 kB until issues 11 and 12; 16 kB since the community and editors' namespaces and the country option (issues 11, 12): their facades
  // are small, but esbuild puts every zod feature any chunk uses into the chunk the core imports (zod is one
  // module to it), so each lazy namespace's validation also grows the core. See docs/DECISIONS.md "SDK size".
  { name: '@coko/sdk (core: catalog + reading)', entry: 'packages/sdk/dist/index.js', brotliBytes: 16 * 1024 },
  // The reading write queue and its browser storages, for apps that opt in (measured on its own:
  // in an app it shares the error classes with the core).
  { name: '@coko/sdk/offline', entry: 'packages/sdk/dist/offline.js', brotliBytes: 5 * 1024 },
];

/**
 * The core imports each lazy chunk by a name that carries a hash of its content (`methods-57EIYPRY.js`):
 * random characters, which brotli compresses better or worse by luck, so a change to a lazy chunk alone
 * moved the core's figure by up to ±40 B with not one byte of core code changed. Each such hash is
 * replaced by one of the same length derived from the chunk's name and place: as incompressible as
 * the real one, but the same from build to build.
 */
function stableChunkNames(code) {
  const seen = new Map();
  const text = code.toString().replace(/([\w-]+?)-([A-Z0-9]{8})\.js/g, (_, name, hash) => {
    const key = `${name}-${hash}`;
    if (!seen.has(key)) {
      const digest = createHash('sha256').update(`${name}#${seen.size}`).digest();
      seen.set(key, [...digest.subarray(0, 8)].map((byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]).join(''));
    }
    return `${name}-${seen.get(key)}.js`;
  });
  return Buffer.from(text);
}

let failed = false;
for (const budget of budgets) {
  const result = await build({
    metafile: true,
    entryPoints: [budget.entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    splitting: true,
    outdir: 'size-check',
    treeShaking: true,
    logLevel: 'error',
  });
  // Output paths as in the metafile (relative to the working directory).
  const contents = new Map(result.outputFiles.map((file) => [relative(process.cwd(), file.path), file.contents]));
  const outputs = result.metafile.outputs;
  // The budget's own entry: every dynamically imported chunk of the build is an entry point too.
  const initial = new Set([Object.keys(outputs).find((path) => outputs[path].entryPoint === budget.entry)]);
  for (const path of initial) {
    for (const { path: imported, kind } of outputs[path].imports)
      if (kind === 'import-statement') initial.add(imported);
  }
  const code = stableChunkNames(Buffer.concat([...initial].map((path) => contents.get(path))));
  const lazy = [...contents].filter(([path]) => !initial.has(path)).map(([, bytes]) => bytes);
  const lazyBrotli = lazy.reduce((sum, bytes) => sum + brotliCompressSync(bytes).length, 0);
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const gzip = gzipSync(code, { level: 9 }).length;
  const ok = brotli <= budget.brotliBytes;
  failed ||= !ok;
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log(
    `${ok ? '✔' : '✖'} ${budget.name}: ${kb(brotli)} brotli (${brotli} B; budget ${kb(budget.brotliBytes)}), ${kb(gzip)} gzip, ${kb(code.length)} minified; +${kb(lazyBrotli)} brotli loaded on demand`,
  );
}
process.exit(failed ? 1 : 0);
