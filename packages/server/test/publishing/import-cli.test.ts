// `coko books import DIR` with the real binary against this file's database and a temporary storage
// folder: one line per file, a summary, drafts (or published books), exit 1 when a file failed.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../../../../supabase/tests/helpers.ts';
import { testStack } from '../../../../test/stack.ts';
import { findRepoRoot } from '../../src/stack/index.ts';
import { buildEpub, buildPdf } from './books.ts';

const stack = testStack();
const repoRoot = findRepoRoot();
const BIN = join(repoRoot, 'packages', 'server', 'bin', 'coko.mjs');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coko-import-'));
  await writeFile(
    join(dir, 'a-sembene.epub'),
    await buildEpub(2, { title: 'Les Bouts de bois de Dieu', authors: ['Ousmane Sembène'] }),
  );
  await writeFile(join(dir, 'b-rapport.pdf'), await buildPdf({ title: 'Rapport de lecture', pages: 4 }));
  await writeFile(join(dir, 'notes.txt'), 'pas un livre');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function coko(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          DATABASE_URL: stack.adminDatabaseUrl,
          STORAGE: 'local',
          STORAGE_LOCAL_ROOT: join(dir, 'storage'),
          LOG_LEVEL: 'silent',
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('coko books import', () => {
  it('imports every EPUB and PDF of the folder as drafts, with progress and a summary', {
    timeout: 180_000,
  }, async () => {
    const run = await coko(['books', 'import', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\[1\/2\] a-sembene\.epub → draft [0-9a-f-]{36} \(\d+\.\d s\)$/);
    expect(lines[1]).toMatch(/^\[2\/2\] b-rapport\.pdf → draft [0-9a-f-]{36} \(\d+\.\d s\)$/);
    expect(lines.at(-1)).toBe('2 of 2 imported as drafts.');
    const books = await adminQuery<{ title: string; status: string; format: string }>(
      `select b.title, b.status, b.format from public.book_uploads u join public.books b on b.id = u.book_id
        where u.filename in ('a-sembene.epub', 'b-rapport.pdf') order by u.filename`,
    );
    expect(books).toEqual([
      { title: 'Les Bouts de bois de Dieu', status: 'draft', format: 'epub' },
      { title: 'Rapport de lecture', status: 'draft', format: 'pdf' },
    ]);
  });

  it('publishes with --publish, and exits 1 naming the files that failed', { timeout: 180_000 }, async () => {
    const more = await mkdtemp(join(dir, 'more-'));
    await writeFile(join(more, 'bon.epub'), await buildEpub(3, { title: 'Publié tout de suite' }));
    await writeFile(join(more, 'casse.epub'), 'pas un zip du tout, pas un zip du tout');
    const run = await coko(['books', 'import', more, '--publish']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[1\/2\] bon\.epub → published [0-9a-f-]{36}/);
    expect(run.stdout).toMatch(/\[2\/2\] casse\.epub ✗ UNSUPPORTED_FORMAT: /);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('1 of 2 imported and published, 1 failed: casse.epub.');
    const [book] = await adminQuery<{ status: string }>(
      `select status from public.books where title = 'Publié tout de suite'`,
    );
    expect(book?.status).toBe('published');
  });

  it('says so and exits 1 for a folder that does not exist', async () => {
    const run = await coko(['books', 'import', join(dir, 'absent')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not a readable folder');
  });
});
