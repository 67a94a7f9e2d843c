// The public preview of a share link (docs/CONTRACT-community.md §3): what GET /v1/share/{code} shows to
// anyone with the link — a crawler building a card (Open Graph, Twitter) or an app asking for JSON.
// private.share_preview() decides what is public (a published book, a visible review, a highlight's
// snapshot; never a reader's note) and answers null for anything else, whatever the reason.
import type { Queryable } from '../db/pool.ts';

/** What private.share_preview() returns (camelCase JSON built in SQL). */
export interface SharePreviewRow {
  code: string;
  kind: 'book' | 'review' | 'highlight';
  createdAt: string;
  book: {
    id: string;
    title: string;
    subtitle: string | null;
    authors: { id: string; name: string }[] | unknown[];
    description: string | null;
    coverPath: string | null;
    language: string;
  };
  review?: { id: string; rating: number; title: string | null; body: string | null; authorName: string | null };
  highlight?: { excerpt: string | null };
}

/** The preview as the API returns it: the row plus the texts and URLs a card needs. */
export interface SharePreview {
  code: string;
  kind: SharePreviewRow['kind'];
  title: string;
  description: string;
  imageUrl: string | null;
  url: string;
  language: string;
  book: { id: string; title: string; subtitle: string | null; authors: string[] };
  review: { rating: number; title: string | null; body: string | null; authorName: string | null } | null;
  highlight: { excerpt: string | null } | null;
  createdAt: string;
}

/** The share link's preview row, or null when the link is unknown, revoked or its target is not public. */
export async function findSharePreview(db: Queryable, code: string): Promise<SharePreviewRow | null> {
  const { rows } = await db.query('select private.share_preview($1) as preview', [code]);
  return ((rows[0] as { preview: SharePreviewRow | null } | undefined)?.preview ?? null) as SharePreviewRow | null;
}

/** Cuts `text` to `max` characters at a word boundary when it can, with an ellipsis. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function authorNames(authors: unknown[]): string[] {
  return authors
    .map((author) =>
      typeof author === 'object' && author && 'name' in author ? String((author as { name: unknown }).name) : '',
    )
    .filter((name) => name !== '');
}

/**
 * The card's texts: the book for a book link, "<rating> ★ — <title>" and the review for a review, the quote for a
 * highlight. Markdown is left as typed (the card shows text, never markup; the HTML renderer escapes it).
 */
export function toSharePreview(
  row: SharePreviewRow,
  urls: { page: string; cover: (path: string) => string },
): SharePreview {
  const authors = authorNames(row.book.authors as unknown[]);
  const byline = authors.length > 0 ? ` — ${authors.join(', ')}` : '';
  let title = `${row.book.title}${byline}`;
  let description = row.book.description ? excerpt(row.book.description, 200) : '';
  if (row.kind === 'review' && row.review) {
    const stars = '★'.repeat(row.review.rating) + '☆'.repeat(5 - row.review.rating);
    title = `${stars} ${row.review.title ?? row.book.title}`;
    const text = row.review.body ? excerpt(row.review.body, 200) : '';
    const who = row.review.authorName ? `${row.review.authorName} sur « ${row.book.title} »` : `« ${row.book.title} »`;
    description = text ? `${who} : ${text}` : who;
  } else if (row.kind === 'highlight' && row.highlight?.excerpt) {
    description = `« ${excerpt(row.highlight.excerpt, 200)} »`;
  }
  return {
    code: row.code,
    kind: row.kind,
    title,
    description,
    imageUrl: row.book.coverPath ? urls.cover(row.book.coverPath) : null,
    url: urls.page,
    language: row.book.language,
    book: { id: row.book.id, title: row.book.title, subtitle: row.book.subtitle, authors },
    review: row.review
      ? {
          rating: row.review.rating,
          title: row.review.title,
          body: row.review.body,
          authorName: row.review.authorName,
        }
      : null,
    highlight: row.highlight ? { excerpt: row.highlight.excerpt } : null,
    createdAt: row.createdAt,
  };
}
