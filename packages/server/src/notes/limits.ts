// What one PDF export may hold. pdf-lib lays out every glyph and keeps the whole document in memory: without a
// cap, one reader with thousands of long notes costs seconds of CPU and gigabytes. Markdown has no such cost
// and no cap, so the refusal can point to it.
import type { NotesDocument } from './model.ts';

export interface NotesPdfLimits {
  /** Most annotations in one PDF. */
  maxEntries: number;
  /** Most characters of quotes and notes together in one PDF. */
  maxCharacters: number;
}

/** About 150 A4 pages: a few seconds of rendering, well inside the 20 s render deadline. */
export const DEFAULT_NOTES_PDF_LIMITS: NotesPdfLimits = { maxEntries: 1_000, maxCharacters: 250_000 };

/** How much a document holds, in the units of {@link NotesPdfLimits}. */
export function notesDocumentSize(document: NotesDocument): { entries: number; characters: number } {
  let characters = 0;
  for (const entry of document.entries) characters += (entry.quote?.length ?? 0) + (entry.note?.length ?? 0);
  return { entries: document.entries.length, characters };
}
