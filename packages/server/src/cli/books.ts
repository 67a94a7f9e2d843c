// `coko books import DIR [--publish]`: every .epub and .pdf of a folder through the upload pipeline, in this
// process (no worker, no HTTP): staged as an upload, processed into a draft (or published with --publish).
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdminError } from '../admin/index.ts';
import { loadConfig } from '../config/load.ts';
import { storageFromConfig } from '../providers/storage/from-config.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { type ImportResult, importFolder } from '../uploads/import-folder.ts';
import { runAdmin, subcommand } from './partners.ts';

export const BOOKS_USAGE = `Usage: coko books <sub-command>

  import <folder> [--publish]   Import every .epub and .pdf of the folder (not its sub-folders) as draft
                                books, through the upload pipeline: metadata, authors, covers, files.
                                --publish publishes each book once it is ready.

Prints one line per file and a summary; exits 1 when any file failed. Storage is the API's (STORAGE,
STORAGE_LOCAL_ROOT: run it from the folder where \`coko dev\` runs, or with the production variables).`;

export async function booksCommand(args: string[], deps: { storage?: StoragePort } = {}): Promise<number> {
  const parsed = subcommand(args, BOOKS_USAGE, ['import']);
  if ('exit' in parsed) return parsed.exit;
  const { values, positionals } = parseArgs({
    args: parsed.rest,
    allowPositionals: true,
    options: { publish: { type: 'boolean' } },
  });
  if (positionals.length !== 1 || !positionals[0])
    throw new AdminError('invalid_input', 'Expected coko books import <folder>');
  const dir = positionals[0];
  const names = (
    await readdir(dir, { withFileTypes: true }).catch(() => {
      throw new AdminError('invalid_input', `${dir} is not a readable folder`);
    })
  )
    .filter((entry) => entry.isFile() && /\.(epub|pdf)$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  if (!names.length) {
    console.log(`No .epub or .pdf file in ${dir}.`);
    return 0;
  }
  const storage = deps.storage ?? storageFromConfig(loadConfig(process.env));
  const results = await runAdmin((ctx) =>
    importFolder({
      db: ctx.db,
      storage,
      files: names.map((name) => ({ filename: basename(name), read: () => readFile(join(dir, name)) })),
      publish: values.publish === true,
      createdBy: ctx.actor.userId ?? null,
      onResult: (result, index, total) => console.log(line(result, index, total)),
    }),
  );
  const failed = results.filter((result) => result.status === 'failed');
  const ready = results.length - failed.length;
  console.log(
    `\n${ready} of ${results.length} imported${values.publish ? ' and published' : ' as drafts'}` +
      (failed.length ? `, ${failed.length} failed: ${failed.map((r) => r.filename).join(', ')}.` : '.'),
  );
  return failed.length ? 1 : 0;
}

function line(result: ImportResult, index: number, total: number): string {
  const seconds = `${(result.ms / 1000).toFixed(1)} s`;
  const head = `[${index + 1}/${total}] ${result.filename}`;
  return result.status === 'failed'
    ? `${head} ✗ ${result.code}: ${result.message} (${seconds})`
    : `${head} → ${result.published ? 'published' : 'draft'} ${result.bookId} (${seconds})`;
}
