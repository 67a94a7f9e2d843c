// Where every bench leaves its figures: bench/results/<name>.json (git-ignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from '../bench-stack.ts';

/** Writes `data` as pretty JSON to `bench/results/<name>.json` and returns the file's path. */
export function writeResults(name: string, data: unknown): string {
  const dir = join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
