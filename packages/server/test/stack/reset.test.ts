// `coko dev --reset` wipes the state folder but for its cache of generated demo files.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetState, STATE_CACHE_DIR } from '../../src/stack/reset.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resetState', () => {
  it('removes the database, keys and files, and keeps cache/ with what it holds', () => {
    dir = mkdtempSync(join(tmpdir(), 'coko-reset-'));
    mkdirSync(join(dir, 'postgres', 'base'), { recursive: true });
    writeFileSync(join(dir, 'postgres', 'base', '1'), 'rows');
    writeFileSync(join(dir, 'keys.json'), '{}');
    writeFileSync(join(dir, 'dev.json'), '{}');
    mkdirSync(join(dir, STATE_CACHE_DIR, 'demo-content'), { recursive: true });
    writeFileSync(join(dir, STATE_CACHE_DIR, 'demo-content', 'book.epub'), 'epub');

    resetState(dir);

    expect(readdirSync(dir)).toEqual([STATE_CACHE_DIR]);
    expect(readdirSync(join(dir, STATE_CACHE_DIR, 'demo-content'))).toEqual(['book.epub']);
  });

  it('does nothing when the folder does not exist yet', () => {
    dir = join(tmpdir(), `coko-reset-missing-${process.pid}`);
    expect(() => resetState(dir)).not.toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
