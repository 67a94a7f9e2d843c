#!/usr/bin/env node
// Readers pay for every byte: the SDK core (what a partner app ships for catalog and reading)
// must stay within its brotli budget. Bundles the built entry with its dependencies, as an app's
// bundler would (minified, browser platform, tree-shaken, code-split), and measures the entry chunk
// compressed; chunks loaded on demand (ky, for Coko API calls) are reported beside it.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const budgets = [{ name: '@coko/sdk (core: catalog)', entry: 'packages/sdk/dist/index.js', brotliBytes: 15 * 1024 }];

let failed = false;
for (const budget of budgets) {
  const result = await build({
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
  const [entry, ...lazy] = result.outputFiles.sort((a, b) =>
    a.path.includes('index') ? -1 : b.path.includes('index') ? 1 : 0,
  );
  const code = entry.contents;
  const lazyBrotli = lazy.reduce((sum, file) => sum + brotliCompressSync(file.contents).length, 0);
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const gzip = gzipSync(code, { level: 9 }).length;
  const ok = brotli <= budget.brotliBytes;
  failed ||= !ok;
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log(
    `${ok ? '✔' : '✖'} ${budget.name}: ${kb(brotli)} brotli (budget ${kb(budget.brotliBytes)}), ${kb(gzip)} gzip, ${kb(code.length)} minified; +${kb(lazyBrotli)} brotli loaded on demand`,
  );
}
process.exit(failed ? 1 : 0);
