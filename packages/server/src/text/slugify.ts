// The one slug maker of the server (partner slugs, notes export file names): ASCII, lower case, words
// joined by `-`, with the letters of West African alphabets (ŋ, ɗ, ɓ, ƴ) and ligatures spelled out
// instead of dropped. The database has its own, private.slugify(), for catalog rows.

export interface SlugifyOptions {
  /** Longest slug, cut on a character and never ending with `-` (default 80). */
  maxLength?: number;
  /** What to return when nothing is left (default `''`). */
  fallback?: string;
}

/** `Éditions Clairafrique!` → `editions-clairafrique`; `Ŋaari ɗemmbere` → `ngaari-demmbere`. */
export function slugify(text: string, options: SlugifyOptions = {}): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ŋŊ]/g, 'ng')
    .replace(/[ɗƊ]/g, 'd')
    .replace(/[ɓƁ]/g, 'b')
    .replace(/[ƴƳ]/g, 'y')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[œŒ]/g, 'oe')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, options.maxLength ?? 80)
    .replace(/-+$/g, '');
  return slug || (options.fallback ?? '');
}
