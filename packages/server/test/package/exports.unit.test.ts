// Every entry @coko/server declares exists: in the workspace (`exports`, `bin`: the sources) and in
// the packed package (`publishConfig`: the files tsup writes, one per tsup entry).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import tsupConfig from '../../tsup.config.ts';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8')) as {
  exports: Record<string, string>;
  bin: Record<string, string>;
  publishConfig: { exports: Record<string, string>; bin: Record<string, string> };
};

it('exports and bin point at files that exist in the workspace', () => {
  const targets = [...Object.values(pkg.exports), ...Object.values(pkg.bin)];
  expect(targets.filter((target) => !existsSync(join(serverDir, target)))).toEqual([]);
});

it('the published exports and bin are exactly what tsup builds', () => {
  const entries = (tsupConfig as { entry: Record<string, string> }).entry;
  const built = new Set(Object.keys(entries).map((name) => `./dist/${name}.js`));
  const published = [...Object.values(pkg.publishConfig.exports), ...Object.values(pkg.publishConfig.bin)].filter(
    (target) => target !== './package.json',
  );
  expect(published.filter((target) => !built.has(target))).toEqual([]);
  for (const source of Object.values(entries)) expect(existsSync(join(serverDir, source))).toBe(true);
});
