// Export of a reader's annotations of a book (GET /v1/books/{id}/notes.md and notes.pdf).
export { DEFAULT_NOTES_PDF_LIMITS, type NotesPdfLimits, notesDocumentSize } from './limits.ts';
export { escapeMarkdownLine, markdownParagraphs, renderNotesMarkdown } from './markdown.ts';
export {
  buildNotesDocument,
  cleanText,
  DEFAULT_NOTES_TIME_ZONE,
  describeLocation,
  fileSlug,
  formatNotesDate,
  isValidTimeZone,
  NOTES_LANGUAGES,
  type NotesAnnotation,
  type NotesBook,
  type NotesDocument,
  type NotesDocumentOptions,
  type NotesEntry,
  type NotesExportData,
  type NotesLanguage,
  notesLanguage,
} from './model.ts';
export { type RenderNotesPdfOptions, renderNotesPdf } from './pdf.ts';
export { asReader, type LoadedNotes, loadNotes, type NotesReader } from './query.ts';
