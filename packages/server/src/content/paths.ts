const BASE = 'https://epub.invalid/';

/**
 * Resolves `href` (URL-encoded, relative to the file at `from`) to a decoded path inside the
 * archive, keeping `#fragment`. Null for absolute URLs, which point outside the book, and for an
 * empty or missing href (a toc heading without a link).
 */
export function resolveHref(from: string, href: string | null): string | null {
  if (!href) return null;
  let url: URL;
  try {
    url = new URL(href, BASE + from);
  } catch {
    return null;
  }
  if (url.origin !== new URL(BASE).origin) return null;
  const path = decodeOrKeep(url.pathname.slice(1));
  return url.hash ? `${path}${url.hash}` : path;
}

/** The path without its `#fragment`. */
export function withoutFragment(href: string): string {
  const hash = href.indexOf('#');
  return hash === -1 ? href : href.slice(0, hash);
}

/** Percent-decoded, or as written when the escapes are malformed (`%ZZ`): a name, not a crash. */
function decodeOrKeep(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
