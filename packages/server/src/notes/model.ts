// The export of a reader's annotations for one book, as data (from the database) and as a document
// (labels resolved, dates and positions formatted, text cleaned): the Markdown and PDF renderers
// both draw the same document, so they say the same thing. Runtime-agnostic (Node and Deno).
import { slugify } from '../text/slugify.ts';

/** Languages of the export's labels. */
export const NOTES_LANGUAGES = ['fr', 'en'] as const;
export type NotesLanguage = (typeof NOTES_LANGUAGES)[number];

/** Dates are shown in this time zone unless the request names another (Senegal: UTC all year). */
export const DEFAULT_NOTES_TIME_ZONE = 'Africa/Dakar';

export interface NotesBook {
  id: string;
  title: string;
  subtitle: string | null;
  /** In credit order. */
  authors: string[];
  publisher: string | null;
}

export interface NotesAnnotation {
  id: string;
  /** `highlight`, `note` or `bookmark` (anything else is shown as a plain annotation). */
  kind: string;
  /** Readium locator, as stored (never trusted to be complete). */
  locator: unknown;
  selectedText: string | null;
  note: string | null;
  /** `#rrggbb`. */
  color: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NotesExportData {
  book: NotesBook;
  /** Not deleted, in reading order. */
  annotations: NotesAnnotation[];
}

export interface NotesDocumentOptions {
  language: NotesLanguage;
  /** IANA time zone for the dates shown (default {@link DEFAULT_NOTES_TIME_ZONE}). */
  timeZone?: string | undefined;
  /** When the export was made (default now). */
  exportedAt?: Date | undefined;
}

/** A label and its value, e.g. `Auteur :` / `Ousmane Sembène`. */
export interface NotesField {
  label: string;
  value: string;
}

export interface NotesEntry {
  /** 1-based, in reading order. */
  number: number;
  kind: 'highlight' | 'note' | 'bookmark' | 'other';
  /** `Surlignage`, `Note`, `Signet`… */
  kindLabel: string;
  /** Chapter, percentage through the book, position: each part present only when known. */
  location: string[];
  /** The highlighted passage (or the text at a bookmark), cleaned; null when there is none. */
  quote: string | null;
  note: string | null;
  /** `#rrggbb`, or null when absent or malformed. */
  color: string | null;
  /** `Créé le 21 novembre 2026 à 14:05 · modifié le …`. */
  dates: string;
}

/** What both renderers draw. All strings are cleaned (see {@link cleanText}). */
export interface NotesDocument {
  language: NotesLanguage;
  /** `Notes de lecture — <title>`. */
  heading: string;
  title: string;
  subtitle: string | null;
  fields: NotesField[];
  entries: NotesEntry[];
  /** Shown instead of entries when there are none. */
  emptyMessage: string;
  /** For the PDF footer and file metadata. */
  footer: string;
  /** ASCII slug of the title, for the file name. */
  slug: string;
  exportedAt: Date;
}

interface Labels {
  heading: (title: string) => string;
  author: (count: number) => string;
  publisher: string;
  exportedAt: string;
  count: string;
  kinds: Record<NotesEntry['kind'], string>;
  percent: (value: number) => string;
  position: (value: number) => string;
  created: string;
  updated: string;
  empty: string;
  months: readonly string[];
  date: (day: number, month: string, year: number, time: string) => string;
}

const LABELS: Record<NotesLanguage, Labels> = {
  fr: {
    heading: (title) => `Notes de lecture — ${title}`,
    author: (count) => (count > 1 ? 'Auteurs :' : 'Auteur :'),
    publisher: 'Éditeur :',
    exportedAt: 'Exporté le :',
    count: 'Annotations :',
    kinds: { highlight: 'Surlignage', note: 'Note', bookmark: 'Signet', other: 'Annotation' },
    percent: (value) => `${value} %`,
    position: (value) => `page ${value}`,
    created: 'Créé le',
    updated: 'modifié le',
    empty: 'Aucune annotation pour ce livre.',
    months: [
      'janvier',
      'février',
      'mars',
      'avril',
      'mai',
      'juin',
      'juillet',
      'août',
      'septembre',
      'octobre',
      'novembre',
      'décembre',
    ],
    date: (day, month, year, time) => `${day === 1 ? '1er' : day} ${month} ${year} à ${time}`,
  },
  en: {
    heading: (title) => `Reading notes — ${title}`,
    author: (count) => (count > 1 ? 'Authors:' : 'Author:'),
    publisher: 'Publisher:',
    exportedAt: 'Exported on:',
    count: 'Annotations:',
    kinds: { highlight: 'Highlight', note: 'Note', bookmark: 'Bookmark', other: 'Annotation' },
    percent: (value) => `${value}%`,
    position: (value) => `page ${value}`,
    created: 'Created on',
    updated: 'updated on',
    empty: 'No annotations for this book.',
    months: [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ],
    date: (day, month, year, time) => `${month} ${day}, ${year} at ${time}`,
  },
};

/** `fr`, `en`, `fr-SN`… → the export language (French unless English is asked for). */
export function notesLanguage(value: string | null | undefined): NotesLanguage {
  return value?.trim().toLowerCase().split(/[-_]/)[0] === 'en' ? 'en' : 'fr';
}

/** True for an IANA time zone this runtime knows (`Africa/Dakar`, `UTC`…). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function dateParts(date: Date, timeZone: string) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? date.getUTCFullYear(),
    month: parts.month ?? date.getUTCMonth() + 1,
    day: parts.day ?? date.getUTCDate(),
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
  };
}

/**
 * A date for people, in the export language and time zone: `21 novembre 2026 à 14:05`, `1er mai…`,
 * `November 21, 2026 at 14:05`. Month names are ours (not the runtime's ICU data), so the output is the
 * same on Node and Deno.
 */
export function formatNotesDate(date: Date, language: NotesLanguage, timeZone = DEFAULT_NOTES_TIME_ZONE): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return '?';
  const labels = LABELS[language];
  const { year, month, day, hour, minute } = dateParts(date, timeZone);
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return labels.date(day, labels.months[month - 1] ?? String(month), year, time);
}

// Characters that must never reach a renderer: C0/C1 controls except tab and newline, and lone
// surrogates (from bad clients; Postgres stores them as U+FFFD-free UTF-8 already, but be safe).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as both renderers want it: NFC (precomposed accents), `\n` line ends, no control characters,
 * tabs as spaces, no trailing spaces, at most one blank line in a row, trimmed. Null for nothing left.
 */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(/\t/g, '    ')
    .replace(CONTROL, '')
    .replace(/[ \u00A0\u3000]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\s+$/g, '');
  return text.trim() === '' ? null : text;
}

/** Text on one line (titles, chapter names). */
function cleanLine(value: unknown): string | null {
  const text = cleanText(value);
  return text === null ? null : text.replace(/\s*\n\s*/g, ' ');
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The chapter's name: the locator's title, else its href (without the fragment, URL-decoded). */
function chapterName(locator: Record<string, unknown> | undefined): string | null {
  const title = cleanLine(locator?.title);
  if (title) return title;
  const href = typeof locator?.href === 'string' ? locator.href.split('#')[0] : undefined;
  if (!href) return null;
  let decoded = href;
  try {
    decoded = decodeURIComponent(href);
  } catch {
    // keep it as stored
  }
  return cleanLine(decoded.length > 200 ? `${decoded.slice(0, 199)}…` : decoded);
}

/** Chapter, `42 %`, `page 12`, each when the locator has it. */
export function describeLocation(locator: unknown, language: NotesLanguage): string[] {
  const labels = LABELS[language];
  const value = record(locator);
  const locations = record(value?.locations);
  const parts: string[] = [];
  const chapter = chapterName(value);
  if (chapter) parts.push(chapter);
  const total = finite(locations?.totalProgression);
  if (total !== undefined) parts.push(labels.percent(Math.round(Math.min(1, Math.max(0, total)) * 100)));
  const position = finite(locations?.position);
  if (position !== undefined && position >= 1) parts.push(labels.position(Math.trunc(position)));
  return parts;
}

function entryKind(kind: string): NotesEntry['kind'] {
  return kind === 'highlight' || kind === 'note' || kind === 'bookmark' ? kind : 'other';
}

/** ASCII file-name slug of a title (`Les Bouts de bois de Dieu` → `les-bouts-de-bois-de-dieu`). */
export function fileSlug(title: string, fallback = 'livre'): string {
  return slugify(title, { maxLength: 80, fallback });
}

/** Resolves labels, formats dates and positions, cleans every string. Never throws on odd data. */
export function buildNotesDocument(data: NotesExportData, options: NotesDocumentOptions): NotesDocument {
  const { language } = options;
  const timeZone = options.timeZone ?? DEFAULT_NOTES_TIME_ZONE;
  const exportedAt = options.exportedAt ?? new Date();
  const labels = LABELS[language];
  const title = cleanLine(data.book.title) ?? (language === 'fr' ? 'Sans titre' : 'Untitled');
  const authors = data.book.authors.map(cleanLine).filter((name): name is string => name !== null);
  const publisher = cleanLine(data.book.publisher);

  const fields: NotesField[] = [];
  if (authors.length > 0) fields.push({ label: labels.author(authors.length), value: authors.join(', ') });
  if (publisher) fields.push({ label: labels.publisher, value: publisher });
  fields.push({
    label: labels.exportedAt,
    value: `${formatNotesDate(exportedAt, language, timeZone)} (${timeZone}) — ${exportedAt.toISOString()}`,
  });
  fields.push({ label: labels.count, value: String(data.annotations.length) });

  const entries = data.annotations.map((annotation, index): NotesEntry => {
    const kind = entryKind(annotation.kind);
    const locator = record(annotation.locator);
    const quote = cleanText(annotation.selectedText) ?? cleanText(record(locator?.text)?.highlight);
    const created = formatNotesDate(annotation.createdAt, language, timeZone);
    const updated = formatNotesDate(annotation.updatedAt, language, timeZone);
    const dates =
      updated !== created && annotation.updatedAt > annotation.createdAt
        ? `${labels.created} ${created} · ${labels.updated} ${updated}`
        : `${labels.created} ${created}`;
    return {
      number: index + 1,
      kind,
      kindLabel: labels.kinds[kind],
      location: describeLocation(annotation.locator, language),
      quote,
      note: cleanText(annotation.note),
      color:
        typeof annotation.color === 'string' && /^#[0-9a-fA-F]{6}$/.test(annotation.color) ? annotation.color : null,
      dates,
    };
  });

  return {
    language,
    heading: labels.heading(title),
    title,
    subtitle: cleanLine(data.book.subtitle),
    fields,
    entries,
    emptyMessage: labels.empty,
    footer: `Coko — ${title}`,
    slug: fileSlug(title, language === 'fr' ? 'livre' : 'book'),
    exportedAt,
  };
}
