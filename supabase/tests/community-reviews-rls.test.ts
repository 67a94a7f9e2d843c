// Community reviews (supabase/migrations/20261208100150_community_reviews.sql):
// - public.reviews and public.review_votes per caller kind (the RLS matrix);
// - the rules: books the reader cannot see, suspended readers, the throttles (429), votes on one's
//   own review, moving a review, the verified-reader marker;
// - books.rating_*: exact after 50 concurrent reviewers and concurrent rating changes, deletes and
//   hides; their writes neither bump books.updated_at nor audit;
// - the account anonymiser.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { communityReviewsExporter } from '../../packages/server/src/gdpr/community-reviews.ts';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  ensureTestUsers,
  rest,
  rlsTable,
  sqlError,
  sqlFor,
  tokenFor,
  USERS,
} from './helpers.js';
import { locator, newBook, newReader } from './reading-helpers.js';

const REVIEWS = rlsTable('reviews');
const VOTES = rlsTable('review_votes');
const MODERATES = (kind: ClientKind) => kind === 'moderator' || kind === 'admin' || kind === 'service';

let book: string;
let draft: string;
/** otherUser's visible review and moderator's hidden one, on `book`. */
let visibleReview: string;
let hiddenReview: string;

type Aggregates = {
  rating_count: number;
  rating_average: string | null;
  rating_histogram: number[];
};

const aggregatesOf = async (bookId: string) =>
  (
    await adminQuery<Aggregates & { updated_at: Date }>(
      'select rating_count, rating_average::text, rating_histogram, updated_at from public.books where id = $1',
      [bookId],
    )
  )[0]!;

/** The aggregates recomputed from the reviews themselves (what the triggers must equal). */
const recomputed = async (bookId: string): Promise<Aggregates> =>
  (
    await adminQuery<Aggregates>(
      `select count(*)::int as rating_count, round(avg(rating), 2)::text as rating_average,
              array[count(*) filter (where rating = 1), count(*) filter (where rating = 2), count(*) filter (where rating = 3),
                    count(*) filter (where rating = 4), count(*) filter (where rating = 5)]::int[] as rating_histogram
         from public.reviews where book_id = $1 and hidden_at is null`,
      [bookId],
    )
  )[0]!;

beforeAll(async () => {
  await ensureTestUsers();
  book = await newBook();
  draft = await newBook('draft');
});

beforeEach(async () => {
  await adminQuery('delete from public.reviews');
  await adminQuery('delete from public.community_suspensions');
  await adminQuery('delete from private.community_write_log');
  const rows = await adminQuery<{ id: string }>(
    `insert into public.reviews (book_id, user_id, rating, body, hidden_at, hidden_reason)
     values ($1, $2, 4, 'Très beau roman.', null, null), ($1, $3, 1, 'Spam spam', now(), 'reports')
     returning id`,
    [book, USERS.otherUser.id, USERS.moderator.id],
  );
  visibleReview = rows[0]!.id;
  hiddenReview = rows[1]!.id;
  await adminQuery('insert into public.review_votes (review_id, user_id) values ($1, $2)', [
    visibleReview,
    USERS.partnerUser.id,
  ]);
});

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('reviews as $kind', ({ kind }) => {
  it('select: visible reviews for everyone, hidden ones for their author and moderators', async () => {
    const { data, error } = await (await clientAs(kind)).from(REVIEWS).select('id').eq('book_id', book);
    expect(error).toBeNull();
    const ids = (data ?? []).map((row) => row.id).sort();
    expect(ids).toEqual(MODERATES(kind) ? [visibleReview, hiddenReview].sort() : [visibleReview]);
  });

  it('insert: signed-in readers review a published book as themselves', async () => {
    const { error, status } = await (await clientAs(kind)).from(REVIEWS).insert({ book_id: book, rating: 5 });
    const authorOf = kind === 'service' ? null : kind === 'anon' ? undefined : USERS[kind].id;
    const mayWrite = kind !== 'anon' && kind !== 'service' && kind !== 'otherUser' && kind !== 'moderator';
    // otherUser and moderator already reviewed this book (one per reader); the service role has no
    // user, so its row has none (allowed: the service role writes what it wants).
    if (kind === 'anon') {
      expect(status).toBe(401);
      expect(error?.code).toBe('42501');
    } else if (kind === 'service') {
      expect(error).toBeNull();
    } else if (mayWrite) {
      expect(error).toBeNull();
      expect(status).toBe(201);
    } else {
      expect(status).toBe(409);
      expect(error?.code).toBe('23505');
    }
    if (authorOf) {
      const rows = await adminQuery('select 1 from public.reviews where book_id = $1 and user_id = $2', [
        book,
        authorOf,
      ]);
      expect(rows).toHaveLength(1);
    }
  });

  it('update: authors edit their own review only', async () => {
    await (await clientAs(kind)).from(REVIEWS).update({ rating: 2 }).eq('id', visibleReview);
    const [row] = await adminQuery<{ rating: number }>('select rating from public.reviews where id = $1', [
      visibleReview,
    ]);
    expect(row!.rating).toBe(kind === 'otherUser' || kind === 'service' ? 2 : 4);
  });

  it('update: nobody but the service role writes counters or moderation state', async () => {
    const { error } = await (await clientAs(kind))
      .from(REVIEWS)
      .update({ helpful_count: 99, is_verified_reader: true, hidden_at: null })
      .eq('id', hiddenReview);
    const [row] = await adminQuery<{ helpful_count: number; hidden: boolean }>(
      'select helpful_count, hidden_at is not null as hidden from public.reviews where id = $1',
      [hiddenReview],
    );
    expect(row).toEqual(kind === 'service' ? { helpful_count: 99, hidden: false } : { helpful_count: 0, hidden: true });
    if (kind !== 'service') expect(error?.code).toBe('42501');
  });

  it('delete: authors delete their own review', async () => {
    await (await clientAs(kind)).from(REVIEWS).delete().eq('id', visibleReview);
    const rows = await adminQuery('select 1 from public.reviews where id = $1', [visibleReview]);
    expect(rows).toHaveLength(kind === 'otherUser' || kind === 'service' ? 0 : 1);
  });
});

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('review_votes as $kind', ({ kind }) => {
  it('select: own votes for readers, all for moderators', async () => {
    const { data, error, status } = await (await clientAs(kind)).from(VOTES).select('user_id');
    if (kind === 'anon') {
      expect(status).toBe(401);
      expect(error?.code).toBe('42501');
      return;
    }
    expect(error).toBeNull();
    const users = (data ?? []).map((row) => row.user_id);
    expect(users).toEqual(MODERATES(kind) || kind === 'partnerUser' ? [USERS.partnerUser.id] : []);
  });

  it('insert: readers vote for a visible review that is not theirs', async () => {
    const { error } = await (await clientAs(kind)).from(VOTES).insert({ review_id: visibleReview });
    const [row] = await adminQuery<{ helpful_count: number }>(
      'select helpful_count from public.reviews where id = $1',
      [visibleReview],
    );
    // partnerUser already voted (409); otherUser wrote it; anon and the service role (no user) cannot.
    const votes = kind === 'user' || kind === 'moderator' || kind === 'admin';
    expect(row!.helpful_count).toBe(votes ? 2 : 1);
    if (!votes) expect(error).not.toBeNull();
  });

  it('delete: readers withdraw their own vote', async () => {
    await (await clientAs(kind)).from(VOTES).delete().eq('review_id', visibleReview);
    const [row] = await adminQuery<{ helpful_count: number }>(
      'select helpful_count from public.reviews where id = $1',
      [visibleReview],
    );
    expect(row!.helpful_count).toBe(kind === 'partnerUser' || kind === 'service' ? 0 : 1);
  });
});

describe('review rules', () => {
  it('refuses a review of a book the reader cannot see (a draft)', async () => {
    const { error, status } = await (await clientAs('user')).from(REVIEWS).insert({ book_id: draft, rating: 5 });
    expect(status).toBe(403);
    expect(error?.code).toBe('42501');
  });

  it('a suspended reader can neither review nor vote', async () => {
    await adminQuery(`insert into public.community_suspensions (user_id, reason) values ($1, 'Spam')`, [USERS.user.id]);
    const client = await clientAs('user');
    const review = await client.from(REVIEWS).insert({ book_id: book, rating: 5 });
    expect(review.status).toBe(403);
    const vote = await client.from(VOTES).insert({ review_id: visibleReview });
    expect(vote.status).toBe(403);
    const edit = await (await clientAs('otherUser')).from(REVIEWS).update({ rating: 1 }).eq('id', visibleReview);
    expect(edit.error).toBeNull();
    await adminQuery(`insert into public.community_suspensions (user_id, reason) values ($1, 'Spam')`, [
      USERS.otherUser.id,
    ]);
    const suspendedEdit = await (await clientAs('otherUser'))
      .from(REVIEWS)
      .update({ rating: 5 })
      .eq('id', visibleReview);
    expect(suspendedEdit.error?.code).toBe('42501');
  });

  it('refuses a vote on one’s own review and on a hidden review', async () => {
    const own = await (await clientAs('otherUser')).from(VOTES).insert({ review_id: visibleReview });
    expect(own.error?.code).toBe('42501');
    const hidden = await (await clientAs('user')).from(VOTES).insert({ review_id: hiddenReview });
    expect(hidden.error?.code).toBe('42501');
  });

  it('throttles reviews and votes with HTTP 429', async () => {
    await adminQuery(`update private.community_limits set per_minute = 2 where action in ('review', 'vote')`);
    try {
      const token = await tokenFor(USERS.user);
      const upsert = () =>
        rest(`/${REVIEWS}?on_conflict=book_id,user_id`, {
          method: 'POST',
          token,
          headers: { 'content-type': 'application/json', prefer: 'resolution=merge-duplicates' },
          body: JSON.stringify({ book_id: book, rating: 3 }),
        });
      expect((await upsert()).status).toBe(201);
      expect((await upsert()).status).toBe(200); // an edit through upsert counts too
      const third = await upsert();
      expect(third.status).toBe(429);
      expect((await third.json()).message).toBe('Too many review writes: at most 2 per minute');
    } finally {
      await adminQuery(`update private.community_limits set per_minute = 10 where action = 'review'`);
      await adminQuery(`update private.community_limits set per_minute = 60 where action = 'vote'`);
    }
  });

  it('refuses texts that are blank, too long or carry control characters', async () => {
    for (const patch of [
      { body: '   ' },
      { title: 'x'.repeat(121) },
      { body: 'x'.repeat(5001) },
      { body: 'a\u0007b' },
    ]) {
      const { error } = await (await clientAs('user')).from(REVIEWS).insert({ book_id: book, rating: 3, ...patch });
      expect(error?.code).toBe('23514');
    }
    const { error } = await (await clientAs('user')).from(REVIEWS).insert({ book_id: book, rating: 6 });
    expect(error?.code).toBe('23514');
  });

  it('keeps a review on its book and its author', async () => {
    const error = await sqlError(
      sqlFor('otherUser', (db) =>
        db.query('update public.reviews set book_id = $1 where id = $2', [draft, visibleReview]),
      ),
    );
    expect(error.code).toBe('22023');
  });

  it('marks a reader who has read 1 % or bought the book as verified', async () => {
    const reader = await newReader();
    const other = await newReader();
    await adminQuery(
      `insert into public.reading_progress (user_id, book_id, locator, device_id) values ($1, $2, $3, 'd1')`,
      [reader.user.id, book, JSON.stringify(locator({ totalProgression: 0.2 }))],
    );
    await adminQuery(`insert into public.entitlements (user_id, book_id, valid_from) values ($1, $2, now())`, [
      other.user.id,
      book,
    ]);
    const third = await newReader();
    for (const r of [reader, other, third]) {
      const { error } = await r.client.from(REVIEWS).insert({ book_id: book, rating: 5, is_verified_reader: true });
      // The marker is the trigger's: a client sending it is refused (no column privilege)…
      expect(error?.code).toBe('42501');
      expect((await r.client.from(REVIEWS).insert({ book_id: book, rating: 5 })).error).toBeNull();
    }
    const rows = await adminQuery<{ user_id: string; is_verified_reader: boolean }>(
      'select user_id::text, is_verified_reader from public.reviews where user_id = any($1)',
      [[reader.user.id, other.user.id, third.user.id]],
    );
    const verified = Object.fromEntries(rows.map((r) => [r.user_id, r.is_verified_reader]));
    expect(verified).toEqual({ [reader.user.id]: true, [other.user.id]: true, [third.user.id]: false });
  });

  it('stamps edited_at on edits but not on votes', async () => {
    const before = (
      await adminQuery<{ edited_at: Date | null; updated_at: Date }>(
        'select edited_at, updated_at from public.reviews where id = $1',
        [visibleReview],
      )
    )[0]!;
    expect(before.edited_at).toBeNull();
    await (await clientAs('user')).from(VOTES).insert({ review_id: visibleReview });
    const voted = (
      await adminQuery<{ edited_at: Date | null; updated_at: Date }>(
        'select edited_at, updated_at from public.reviews where id = $1',
        [visibleReview],
      )
    )[0]!;
    expect(voted).toEqual(before);
    await (await clientAs('otherUser')).from(REVIEWS).update({ body: 'Relu : encore mieux.' }).eq('id', visibleReview);
    const [edited] = await adminQuery<{ edited: boolean }>(
      'select edited_at is not null as edited from public.reviews where id = $1',
      [visibleReview],
    );
    expect(edited!.edited).toBe(true);
  });

  it('registers the review report target', async () => {
    const rows = await adminQuery(
      `select table_name, author_column from private.community_report_targets where target_type = 'review'`,
    );
    expect(rows).toEqual([{ table_name: 'public.reviews', author_column: 'user_id' }]);
  });
});

describe('books.rating_* aggregates', () => {
  it('count the visible reviews only, and writing them neither bumps updated_at nor audits', async () => {
    const before = await aggregatesOf(book);
    expect(before).toMatchObject({ rating_count: 1, rating_average: '4.00', rating_histogram: [0, 0, 0, 1, 0] });
    const audits = async () =>
      (await adminQuery(`select 1 from public.audit_logs where resource_type = 'book' and resource_id = $1`, [book]))
        .length;
    const auditsBefore = await audits();
    await adminQuery('update public.reviews set hidden_at = null where id = $1', [hiddenReview]);
    const after = await aggregatesOf(book);
    expect(after).toMatchObject({ rating_count: 2, rating_average: '2.50', rating_histogram: [1, 0, 0, 1, 0] });
    expect(after.updated_at).toEqual(before.updated_at);
    expect(await audits()).toBe(auditsBefore);
    // Search results carry the same aggregates as lists.
    const { data: search, error } = await (await clientAs('anon')).rpc('search_books', { query: book.slice(0, 8) });
    expect(error).toBeNull();
    expect(search.items).toEqual([expect.objectContaining({ id: book, rating_average: 2.5, rating_count: 2 })]);
    await adminQuery('delete from public.reviews where book_id = $1', [book]);
    expect(await aggregatesOf(book)).toMatchObject({
      rating_count: 0,
      rating_average: null,
      rating_histogram: [0, 0, 0, 0, 0],
    });
  });

  it('are exact after 50 concurrent reviewers, then concurrent edits, deletes and hides', async () => {
    const target = await newBook();
    const readers = await Promise.all(Array.from({ length: 50 }, () => newReader()));
    const ratingOf = (i: number) => (i % 5) + 1;
    const written = await Promise.all(
      readers.map((r, i) =>
        r.client
          .from(REVIEWS)
          .upsert({ book_id: target, rating: ratingOf(i), body: `Avis ${i}` }, { onConflict: 'book_id,user_id' })
          .select('id')
          .single(),
      ),
    );
    for (const w of written) expect(w.error).toBeNull();
    expect(await aggregatesOf(target)).toMatchObject({
      rating_count: 50,
      rating_average: '3.00',
      rating_histogram: [10, 10, 10, 10, 10],
    });

    // Concurrently: 20 readers change their rating, 10 delete their review, a moderator hides 10.
    const ids = written.map((w) => (w.data as { id: string }).id);
    await Promise.all([
      ...readers.slice(0, 20).map((r) => r.client.from(REVIEWS).update({ rating: 5 }).eq('book_id', target)),
      ...readers.slice(20, 30).map((r) => r.client.from(REVIEWS).delete().eq('book_id', target)),
      ...ids
        .slice(30, 40)
        .map((id) =>
          adminQuery(`update public.reviews set hidden_at = now(), hidden_reason = 'reports' where id = $1`, [id]),
        ),
    ]);
    const { updated_at: _, ...aggregates } = await aggregatesOf(target);
    expect(aggregates).toEqual(await recomputed(target));
    expect(aggregates.rating_count).toBe(30);
  });
});

describe('GDPR export: community-reviews', () => {
  const db = { query: async (text: string, values?: unknown[]) => ({ rows: await adminQuery(text, values) }) };

  it('exports the reader’s reviews (hidden too) and helpful votes, and nobody else’s', async () => {
    const exported = (await communityReviewsExporter.export(db, USERS.moderator.id)) as Record<
      string,
      Record<string, unknown>[]
    >;
    expect(exported.reviews).toHaveLength(1);
    expect(exported.reviews![0]).toMatchObject({
      id: hiddenReview,
      rating: 1,
      hidden_reason: 'reports',
      book_id: book,
    });
    expect(exported.reviews![0]).not.toHaveProperty('user_id');
    expect(exported.helpfulVotes).toEqual([]);
    const voter = (await communityReviewsExporter.export(db, USERS.partnerUser.id)) as typeof exported;
    expect(voter.reviews).toEqual([]);
    expect(voter.helpfulVotes).toEqual([expect.objectContaining({ review_id: visibleReview, book_id: book })]);
  });
});

describe('account anonymisation', () => {
  it('deletes the reader’s votes and keeps their reviews, attributed to nobody', async () => {
    const reader = await newReader();
    const review = await reader.client
      .from(REVIEWS)
      .insert({ book_id: book, rating: 2, body: 'Bof.' })
      .select('id')
      .single();
    expect(review.error).toBeNull();
    await reader.client.from(VOTES).insert({ review_id: visibleReview });
    expect(
      (
        await adminQuery<{ c: number }>('select helpful_count as c from public.reviews where id = $1', [visibleReview])
      )[0]!.c,
    ).toBe(2);

    await adminQuery('select private.anonymize_account($1)', [reader.user.id]);

    const [kept] = await adminQuery<{ user_id: string | null; body: string }>(
      'select user_id, body from public.reviews where id = $1',
      [(review.data as { id: string }).id],
    );
    expect(kept).toEqual({ user_id: null, body: 'Bof.' });
    expect(await adminQuery('select 1 from public.review_votes where user_id = $1', [reader.user.id])).toHaveLength(0);
    expect(
      (
        await adminQuery<{ c: number }>('select helpful_count as c from public.reviews where id = $1', [visibleReview])
      )[0]!.c,
    ).toBe(1);
    expect((await aggregatesOf(book)).rating_count).toBe(2);
  });
});
