import type { DemoChapter } from './build-epub.ts';
import type { DemoBookShape } from './catalog.ts';
import { frenchParagraphs } from './prose.ts';

/** What a demo file says about its book, taken from the book's row so the file matches the catalog. */
export interface DemoBookText {
  id: string;
  title: string;
  subtitle: string | null;
  authors: string[];
  publisher: string | null;
  language: string;
  isbn: string | null;
}

/** The chapters of a demo book, generated from its id: the same book always reads the same. */
export function demoChapters(book: DemoBookText, shape: DemoBookShape): DemoChapter[] {
  const word = book.language.startsWith('fr') ? 'Chapitre' : 'Chapter';
  return Array.from({ length: shape.chapters }, (_, i) => ({
    title: `${word} ${i + 1}`,
    paragraphs: frenchParagraphs(`${book.id}:${i}`, shape.chapterCharacters),
  }));
}
