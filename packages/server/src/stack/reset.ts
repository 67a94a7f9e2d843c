import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The state folder's subfolder that a reset keeps: files derived from the code alone (the demo books'
 * generated EPUB and PDF files, keyed by the generator's version and the book), never data.
 */
export const STATE_CACHE_DIR = 'cache';

/** Wipes the state folder `dir` (database, keys, files) but for its {@link STATE_CACHE_DIR}. */
export function resetState(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry !== STATE_CACHE_DIR) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}
