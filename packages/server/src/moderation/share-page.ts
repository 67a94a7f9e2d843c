// The HTML of a share link's preview: Open Graph and Twitter card tags for crawlers (WhatsApp, Facebook,
// X, Slack…), and a small readable page for people. Every value is escaped: titles, reviews and quotes
// are readers' text and must never become markup.
import type { SharePreview } from './share-preview.ts';

export const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );

// The page's only style, allowed by its hash in the page's CSP (the API's default forbids inline styles).
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
  'img{max-width:10rem;height:auto;border-radius:4px}blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid #ccc}';

/** The page's Content-Security-Policy: its inline style and the cover image, nothing else. */
export async function sharePageCsp(): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(STYLE)));
  const hash = btoa(String.fromCharCode(...digest));
  return [
    "default-src 'none'",
    `style-src 'sha256-${hash}'`,
    'img-src https: http:',
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const meta = (attribute: 'property' | 'name', key: string, value: string | null | undefined) =>
  value ? `<meta ${attribute}="${key}" content="${escapeHtml(value)}">` : '';

/** The preview page with its card tags. */
export function renderSharePage(preview: SharePreview): string {
  const type = preview.kind === 'book' ? 'book' : 'article';
  const tags = [
    meta('property', 'og:type', type),
    meta('property', 'og:site_name', 'Coko'),
    meta('property', 'og:title', preview.title),
    meta('property', 'og:description', preview.description),
    meta('property', 'og:url', preview.url),
    meta('property', 'og:image', preview.imageUrl),
    meta('property', 'og:image:alt', preview.imageUrl ? preview.book.title : null),
    meta('property', 'og:locale', preview.language.replace('-', '_')),
    meta('name', 'twitter:card', preview.imageUrl ? 'summary_large_image' : 'summary'),
    meta('name', 'twitter:title', preview.title),
    meta('name', 'twitter:description', preview.description),
    meta('name', 'twitter:image', preview.imageUrl),
    meta('name', 'description', preview.description),
  ].filter(Boolean);
  const cover = preview.imageUrl ? `<img src="${escapeHtml(preview.imageUrl)}" alt="">` : '';
  const authors = preview.book.authors.length > 0 ? `<p>${escapeHtml(preview.book.authors.join(', '))}</p>` : '';
  const quote =
    preview.kind === 'highlight' && preview.highlight?.excerpt
      ? `<blockquote>${escapeHtml(preview.highlight.excerpt)}</blockquote>`
      : '';
  const review =
    preview.kind === 'review' && preview.review
      ? `<p>${escapeHtml(preview.title)}</p>${preview.review.body ? `<blockquote>${escapeHtml(preview.review.body)}</blockquote>` : ''}`
      : '';
  return `<!doctype html>
<html lang="${escapeHtml(preview.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(preview.title)}</title>
<link rel="canonical" href="${escapeHtml(preview.url)}">
${tags.join('\n')}
<style>${STYLE}</style>
</head>
<body>
${cover}
<h1>${escapeHtml(preview.book.title)}</h1>
${authors}${quote}${review}
${preview.kind === 'book' && preview.description ? `<p>${escapeHtml(preview.description)}</p>` : ''}
</body>
</html>
`;
}
