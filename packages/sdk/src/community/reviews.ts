// The reviews sub-namespace's implementation, loaded on first use (see ./index.ts), so pages that
// never show reviews never download it. Reads and writes go to PostgREST as the reader: RLS decides
// what they see and may write (docs/CONTRACT-community.md §1).
import { idSchema } from '../catalog/schemas';
import { AuthenticationError, ValidationError } from '../core/errors';
import { jwtClaims } from '../core/session';
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import { listReviewsSchema, reviewInputSchema } from './review-schemas';
import type { ListReviewsParams, RatingSummary, Review, ReviewInput, ReviewSort, ReviewsPage } from './review-types';

/** What the reviews use of the transport: PostgREST and the session (the reader's id). */
export type ReviewsContext = Pick<Transport, 'rest' | 'session'>;

const COLUMNS =
  'id,book_id,user_id,rating,title,body,is_verified_reader,helpful_count,hidden_at,edited_at,created_at,updated_at';
// The embed returns the caller's own vote only (RLS on review_votes), so it answers "voted by me".
const COLUMNS_SIGNED_IN = `${COLUMNS},my_vote:review_votes(review_id)`;

interface ReviewRow {
  id: string;
  book_id: string;
  user_id: string | null;
  rating: number;
  title: string | null;
  body: string | null;
  is_verified_reader: boolean;
  helpful_count: number;
  hidden_at: string | null;
  edited_at: string | null;
  created_at: string;
  updated_at: string;
  my_vote?: unknown[];
}

type Profile = { id: string; display_name: string | null; avatar_path: string | null };

/** The sort key after created_at and id (newest has none); `ascending` for rating_low. */
const SORT_KEY: Record<ReviewSort, { column?: 'helpful_count' | 'rating'; ascending?: boolean }> = {
  newest: {},
  helpful: { column: 'helpful_count' },
  rating_high: { column: 'rating' },
  rating_low: { column: 'rating', ascending: true },
};

const checkId = (id: unknown, name: string): string => validate(idSchema, id, name);

/** The signed-in reader's id, or null for a guest. */
async function readerId(ctx: ReviewsContext): Promise<string | null> {
  const sub = jwtClaims(await ctx.session.get()).sub;
  return typeof sub === 'string' ? sub : null;
}

async function requireReader(ctx: ReviewsContext): Promise<string> {
  const id = await readerId(ctx);
  if (!id) throw new AuthenticationError('Sign in to write reviews');
  return id;
}

// Cursors: base64url JSON of [sort key?, created_at, id] of the page's last review. Opaque to apps.
const encodeCursor = (values: (string | number)[]): string =>
  btoa(JSON.stringify(values)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function decodeCursor(cursor: string, withKey: boolean): (string | number)[] {
  try {
    const values = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as unknown;
    const ok =
      Array.isArray(values) &&
      values.length === (withKey ? 3 : 2) &&
      (!withKey || typeof values[0] === 'number') &&
      values.slice(withKey ? 1 : 0).every((v) => typeof v === 'string' && /^[0-9A-Za-z:.+\-T ]{1,40}$/.test(v));
    if (ok) return values as (string | number)[];
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is invalid', { details: { field: 'cursor', message: 'cursor is invalid' } });
}

/** The PostgREST `or` filter of the rows after the cursor, in the sort's order. */
function afterCursor(sort: ReviewSort, cursor: string): string {
  const { column, ascending } = SORT_KEY[sort];
  const values = decodeCursor(cursor, column !== undefined);
  const [created, id] = values.slice(-2) as [string, string];
  const tail = [`created_at.lt."${created}"`, `and(created_at.eq."${created}",id.lt.${id})`];
  if (!column) return tail.join(',');
  const key = values[0] as number;
  return [
    `${column}.${ascending ? 'gt' : 'lt'}.${key}`,
    `and(${column}.eq.${key},created_at.lt."${created}")`,
    `and(${column}.eq.${key},created_at.eq."${created}",id.lt.${id})`,
  ].join(',');
}

async function authorsOf(ctx: ReviewsContext, rows: ReviewRow[], options?: RequestOptions) {
  const ids = [...new Set(rows.map((row) => row.user_id).filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map<string, Profile>();
  let query = ctx.rest.rpc('get_public_profiles', { ids }, { get: true });
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  return new Map((data as Profile[]).map((p) => [p.id, p]));
}

function toReview(row: ReviewRow, authors: Map<string, Profile>): Review {
  const profile = row.user_id ? authors.get(row.user_id) : undefined;
  return {
    id: row.id,
    bookId: row.book_id,
    rating: row.rating,
    title: row.title,
    body: row.body,
    isVerifiedReader: row.is_verified_reader,
    helpfulCount: row.helpful_count,
    votedByMe: (row.my_vote?.length ?? 0) > 0,
    // A deleted account: its reviews stay, attributed to nobody.
    author: row.user_id
      ? { id: row.user_id, displayName: profile?.display_name ?? null, avatarPath: profile?.avatar_path ?? null }
      : null,
    hidden: row.hidden_at !== null,
    editedAt: row.edited_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function withAuthors(ctx: ReviewsContext, rows: ReviewRow[], options?: RequestOptions): Promise<Review[]> {
  const authors = await authorsOf(ctx, rows, options);
  return rows.map((row) => toReview(row, authors));
}

/** Implementation of `community.reviews.list()`. */
export async function list(
  ctx: ReviewsContext,
  bookId: string,
  params: ListReviewsParams = {},
  options?: RequestOptions,
): Promise<ReviewsPage> {
  const id = checkId(bookId, 'bookId');
  const p = validate(listReviewsSchema, params, 'params');
  const me = await readerId(ctx);
  let query = ctx.rest
    .from('reviews')
    .select(me ? COLUMNS_SIGNED_IN : COLUMNS)
    .eq('book_id', id);
  if (p.cursor) query = query.or(afterCursor(p.sort, p.cursor));
  const { column, ascending } = SORT_KEY[p.sort];
  if (column) query = query.order(column, { ascending: ascending === true });
  query = query
    .order('created_at', { ascending: false })
    .order('id', { ascending: false })
    .limit(p.limit + 1);
  if (options?.signal) query = query.abortSignal(options.signal);
  const rows = ((await query.throwOnError()).data ?? []) as unknown as ReviewRow[];
  const page = rows.slice(0, p.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > p.limit && last
      ? encodeCursor(column ? [last[column], last.created_at, last.id] : [last.created_at, last.id])
      : null;
  return { data: await withAuthors(ctx, page, options), nextCursor };
}

/** Implementation of `community.reviews.mine()`. */
export async function mine(ctx: ReviewsContext, bookId: string, options?: RequestOptions): Promise<Review | null> {
  const id = checkId(bookId, 'bookId');
  const me = await requireReader(ctx);
  let query = ctx.rest.from('reviews').select(COLUMNS).eq('book_id', id).eq('user_id', me);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.maybeSingle().throwOnError();
  return data ? (await withAuthors(ctx, [data as ReviewRow], options))[0]! : null;
}

/** Implementation of `community.reviews.upsert()`. */
export async function upsert(
  ctx: ReviewsContext,
  bookId: string,
  input: ReviewInput,
  options?: RequestOptions,
): Promise<Review> {
  const id = checkId(bookId, 'bookId');
  const review = validate(reviewInputSchema, input, 'input');
  await requireReader(ctx);
  let query = ctx.rest
    .from('reviews')
    .upsert(
      { book_id: id, rating: review.rating, title: review.title ?? null, body: review.body ?? null },
      { onConflict: 'book_id,user_id' },
    )
    .select(COLUMNS);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.single().throwOnError();
  return (await withAuthors(ctx, [data as ReviewRow], options))[0]!;
}

/** Implementation of `community.reviews.delete()`. */
async function deleteReview(ctx: ReviewsContext, bookId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(bookId, 'bookId');
  const me = await requireReader(ctx);
  let query = ctx.rest.from('reviews').delete().eq('book_id', id).eq('user_id', me);
  if (options?.signal) query = query.abortSignal(options.signal);
  await query.throwOnError();
}

export { deleteReview as delete };

/** Implementation of `community.reviews.vote()`: insert, ignoring a vote already cast. */
export async function vote(ctx: ReviewsContext, reviewId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(reviewId, 'reviewId');
  await requireReader(ctx);
  let query = ctx.rest
    .from('review_votes')
    .upsert({ review_id: id }, { onConflict: 'review_id,user_id', ignoreDuplicates: true });
  if (options?.signal) query = query.abortSignal(options.signal);
  await query.throwOnError();
}

/** Implementation of `community.reviews.unvote()`. */
export async function unvote(ctx: ReviewsContext, reviewId: string, options?: RequestOptions): Promise<void> {
  const id = checkId(reviewId, 'reviewId');
  const me = await requireReader(ctx);
  let query = ctx.rest.from('review_votes').delete().eq('review_id', id).eq('user_id', me);
  if (options?.signal) query = query.abortSignal(options.signal);
  await query.throwOnError();
}

/** Implementation of `community.reviews.summary()`. */
export async function summary(ctx: ReviewsContext, bookId: string, options?: RequestOptions): Promise<RatingSummary> {
  const id = checkId(bookId, 'bookId');
  let query = ctx.rest.from('books').select('rating_average,rating_count,rating_histogram').eq('id', id);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.single().throwOnError();
  const h = data.rating_histogram;
  return {
    average: data.rating_average,
    count: data.rating_count,
    histogram: [h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0, h[4] ?? 0],
  };
}
