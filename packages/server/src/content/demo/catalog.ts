import { createHash } from 'node:crypto';

// The seed books (supabase/seed.sql, by their number n) that `coko dev` gives real files to. The
// hand-written titles 1–8 are the ones demos show; n % 4 = 0 is free in the seed, n % 6 = 0 is a PDF.

export interface DemoBookShape {
  /** Seed book number: its id is seed_uuid('book:' || n). */
  seed: number;
  format: 'epub' | 'pdf';
  chapters: number;
  /** Characters of prose per chapter. */
  chapterCharacters: number;
}

/** About 1 800 characters make a printed page. */
export const CHARACTERS_PER_PAGE = 1800;

export const DEMO_BOOKS: readonly DemoBookShape[] = [
  // Free, ~300 pages: the benchmark's long book (bench:payments opens it at chapter 1).
  { seed: 4, format: 'epub', chapters: 24, chapterCharacters: 13 * CHARACTERS_PER_PAGE },
  // Free, short.
  { seed: 8, format: 'epub', chapters: 6, chapterCharacters: 4 * CHARACTERS_PER_PAGE },
  // Paid, short.
  { seed: 1, format: 'epub', chapters: 8, chapterCharacters: 5 * CHARACTERS_PER_PAGE },
  { seed: 2, format: 'epub', chapters: 5, chapterCharacters: 3 * CHARACTERS_PER_PAGE },
  { seed: 5, format: 'epub', chapters: 7, chapterCharacters: 3 * CHARACTERS_PER_PAGE },
  // Paid, the PDF.
  { seed: 6, format: 'pdf', chapters: 4, chapterCharacters: 3 * CHARACTERS_PER_PAGE },
];

/** The id supabase/seed.sql gives seed book `n` (pg_temp.seed_uuid('book:' || n)). */
export function seedBookId(n: number): string {
  const h = createHash('md5').update(`coko-seed:book:${n}`).digest('hex');
  const variant = '89ab'[Number.parseInt(h.slice(16, 18), 16) % 4];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
