// Values from a file made to fit the columns of public.books, with a warning for each one that had to
// be changed or dropped, so the editor knows what to check in the draft.

/** Column limits of public.books (books_title_length, books_subtitle_length, books_description_length). */
export const LIMITS = { title: 300, subtitle: 300, description: 20_000, name: 200 } as const;

export type Warn = (message: string) => void;

/**
 * Trims and collapses whitespace (line breaks kept when `multiline`); cuts at `max` characters (on a
 * word when one ends near) with "…".
 */
export function fitText(
  value: string | null | undefined,
  max: number,
  what: string,
  warn: Warn,
  multiline = false,
): string | null {
  // Only ASCII whitespace collapses: a no-break space before French punctuation is text.
  const text = (value ?? '')
    .replace(multiline ? /[ \t\r\f\v]+/g : /[ \t\r\n\f\v]+/g, ' ')
    .replace(/^[ \n]+|[ \n]+$/g, '');
  if (!text) return null;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  warn(`The ${what} was longer than ${max} characters and was shortened.`);
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}

/**
 * Plain text of a description that may hold HTML (EPUB descriptions often carry escaped markup):
 * block ends become line breaks, tags go, entities are decoded, blank lines collapse.
 */
export function plainText(value: string | null | undefined): string | null {
  if (!value) return null;
  const text = decodeEntities(
    value
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6])\s*>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/ *\n[ \t\r\n\f\v]*/g, '\n\n')
    .trim();
  return text || null;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  rsquo: '’',
  lsquo: '‘',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  agrave: 'à',
  acirc: 'â',
  ccedil: 'ç',
  ocirc: 'ô',
  ucirc: 'û',
  icirc: 'î',
  iuml: 'ï',
  euml: 'ë',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

/**
 * A language tag in the books.language format (`^[a-z]{2}(-[A-Z]{2})?$`): the ISO 639-1 code and,
 * when the tag has one, its region (`fr_sn` → `fr-SN`, `zh-Hans-CN` → `zh-CN`). Three-letter codes
 * (`fre`, `fra`) and anything else are dropped with a warning: a wrong language would misfile the book.
 */
export function normaliseLanguage(value: string | null | undefined, warn: Warn): string | null {
  const raw = (value ?? '').trim();
  if (!raw) return null;
  const [language, ...rest] = raw.split(/[-_]/);
  if (!language || !/^[a-z]{2}$/i.test(language)) {
    warn(`The language "${short(raw)}" is not a two-letter code (fr, en, fr-SN) and was left out.`);
    return null;
  }
  const region = rest.find((subtag) => /^[a-z]{2}$/i.test(subtag));
  return region ? `${language.toLowerCase()}-${region.toUpperCase()}` : language.toLowerCase();
}

/**
 * YYYY-MM-DD from a date as files write it (`2024`, `2024-03`, `2024-03-15`, `2024-03-15T10:00:00Z`,
 * PDF's `D:20240315…`): a year alone gives its 1st of January, a month its first day. Impossible
 * dates and years before printing or far in the future (Calibre writes `0101-01-01` for "unknown")
 * are dropped.
 */
export function normaliseDate(value: string | null | undefined, warn: Warn, now = new Date()): string | null {
  const raw = (value ?? '').trim();
  if (!raw) return null;
  const match = /^(?:D:)?(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:[T\s\d].*)?$/.exec(raw);
  const [year, month = '01', day = '01'] = match ? match.slice(1) : [];
  const iso = `${year}-${month}-${day}`;
  const date = new Date(`${iso}T00:00:00Z`);
  const valid =
    year !== undefined &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 10) === iso &&
    Number(year) >= 1450 &&
    Number(year) <= now.getUTCFullYear() + 5;
  if (!valid) {
    warn(`The date "${short(raw)}" is not a usable publication date and was left out.`);
    return null;
  }
  return iso;
}

/** Names as a list: trimmed, at most 200 characters, duplicates (any case) dropped, order kept. */
export function names(values: (string | null | undefined)[], warn: Warn): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const value of values) {
    const name = fitText(value, LIMITS.name, 'name of an author', warn);
    if (!name || seen.has(name.toLocaleLowerCase())) continue;
    seen.add(name.toLocaleLowerCase());
    result.push(name);
  }
  return result;
}

/** A value quoted in a warning, cut so that a hostile file cannot flood the editor's screen. */
export function short(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}
