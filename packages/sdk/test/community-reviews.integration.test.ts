import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  type CokoClient,
  createCoko,
  PermissionDeniedError,
  RateLimitError,
  ValidationError,
} from '../src';

// Real-stack tests of coko.community.reviews and the catalog's rating columns: PostgREST, the
// reviews migration (RLS, triggers, aggregates) and get_public_profiles for the authors. Readers are
// users inserted in auth.users with tokens minted from the stack's keys, as Supabase Auth issues them.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const databaseUrl = process.env.COKO_TEST_ADMIN_DATABASE_URL ?? '';

describe.skipIf(!process.env.COKO_TEST_URL)('community.reviews against the real stack', () => {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  afterAll(() => db.end());

  let book: string;
  const guest = () => createCoko({ url, publishableKey });

  async function newBook(): Promise<string> {
    const id = randomUUID();
    await db.query(
      `insert into public.books (id, title, language, status, format) values ($1, $2, 'fr', 'published', 'epub')`,
      [id, `Livre ${id.slice(0, 8)}`],
    );
    return id;
  }

  /** A reader with a display name and a client signed in as them. */
  async function reader(name: string): Promise<{ id: string; coko: CokoClient }> {
    const id = randomUUID();
    await db.query(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), '{"provider":"email"}', '{}', now(), now())`,
      [id, `${id.slice(0, 8)}@reviews.test`],
    );
    await db.query('update public.profiles set display_name = $2 where id = $1', [id, name]);
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.js'),
    ]);
    const token = await mintUserToken(
      testStack().keys,
      { id, email: `${id.slice(0, 8)}@reviews.test` },
      { expiresInSeconds: 600 },
    );
    return { id, coko: createCoko({ url, publishableKey, accessToken: token, retries: 0 }) };
  }

  beforeAll(async () => {
    book = await newBook();
  });

  it('upsert, mine, summary and the catalog columns follow the reader’s review', async () => {
    const awa = await reader('Awa Diop');
    expect(await awa.coko.community.reviews.mine(book)).toBeNull();
    const written = await awa.coko.community.reviews.upsert(book, { rating: 4, title: 'Beau', body: '**Très** beau.' });
    expect(written).toMatchObject({
      bookId: book,
      rating: 4,
      title: 'Beau',
      body: '**Très** beau.',
      isVerifiedReader: false,
      helpfulCount: 0,
      votedByMe: false,
      hidden: false,
      editedAt: null,
      author: { id: awa.id, displayName: 'Awa Diop', avatarPath: null },
    });
    expect(await guest().community.reviews.summary(book)).toEqual({ average: 4, count: 1, histogram: [0, 0, 0, 1, 0] });

    const edited = await awa.coko.community.reviews.upsert(book, { rating: 2 });
    expect(edited).toMatchObject({ id: written.id, rating: 2, title: null, body: null });
    expect(edited.editedAt).not.toBeNull();
    expect((await awa.coko.community.reviews.mine(book))?.rating).toBe(2);

    const detail = await guest().catalog.get(book);
    expect(detail).toMatchObject({ ratingAverage: 2, ratingCount: 1, ratingHistogram: [0, 1, 0, 0, 0] });
    const { data } = await guest().catalog.list({ limit: 100 });
    expect(data.find((b) => b.id === book)).toMatchObject({ ratingAverage: 2, ratingCount: 1 });

    await awa.coko.community.reviews.delete(book);
    expect(await awa.coko.community.reviews.mine(book)).toBeNull();
    expect(await guest().community.reviews.summary(book)).toEqual({
      average: null,
      count: 0,
      histogram: [0, 0, 0, 0, 0],
    });
  });

  it('votes: votedByMe and helpfulCount, idempotent, never on one’s own review', async () => {
    const target = await newBook();
    const author = await reader('Moussa Ba');
    const voter = await reader('Fatou Sow');
    const review = await author.coko.community.reviews.upsert(target, { rating: 5 });
    await voter.coko.community.reviews.vote(review.id);
    await voter.coko.community.reviews.vote(review.id);
    let [seen] = (await voter.coko.community.reviews.list(target)).data;
    expect(seen).toMatchObject({ id: review.id, helpfulCount: 1, votedByMe: true });
    [seen] = (await guest().community.reviews.list(target)).data;
    expect(seen).toMatchObject({ helpfulCount: 1, votedByMe: false });
    await expect(author.coko.community.reviews.vote(review.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    await voter.coko.community.reviews.unvote(review.id);
    [seen] = (await voter.coko.community.reviews.list(target)).data;
    expect(seen).toMatchObject({ helpfulCount: 0, votedByMe: false });
  });

  it('list pages through every sort with cursors, without gaps or repeats', async () => {
    const target = await newBook();
    const readers = await Promise.all(Array.from({ length: 7 }, (_, i) => reader(`Lecteur ${i}`)));
    const ids: string[] = [];
    for (const [i, r] of readers.entries())
      ids.push((await r.coko.community.reviews.upsert(target, { rating: (i % 3) + 2 })).id);
    // Votes make the helpful order differ from the newest one.
    await readers[0]!.coko.community.reviews.vote(ids[3]!);
    await readers[1]!.coko.community.reviews.vote(ids[3]!);
    await readers[2]!.coko.community.reviews.vote(ids[5]!);

    for (const sort of ['newest', 'helpful', 'rating_high', 'rating_low'] as const) {
      const all = (await guest().community.reviews.list(target, { sort, limit: 50 })).data;
      const paged: typeof all = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<CokoClient['community']['reviews']['list']>> =
          await guest().community.reviews.list(target, { sort, limit: 2, cursor });
        paged.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
      expect(all).toHaveLength(7);
    }
    const helpful = (await guest().community.reviews.list(target, { sort: 'helpful' })).data;
    expect(helpful.slice(0, 2).map((r) => r.id)).toEqual([ids[3], ids[5]]);
    const low = (await guest().community.reviews.list(target, { sort: 'rating_low' })).data.map((r) => r.rating);
    expect(low).toEqual([...low].sort((a, b) => a - b));
    const newest = (await guest().community.reviews.list(target)).data.map((r) => r.id);
    expect(newest).toEqual([...ids].reverse());
  });

  it('refuses bad input before any request, guests writing, suspended readers, and too many writes', async () => {
    await expect(guest().community.reviews.upsert(book, { rating: 5 })).rejects.toBeInstanceOf(AuthenticationError);
    const sara = await reader('Sara Ndiaye');
    await expect(sara.coko.community.reviews.upsert(book, { rating: 6 })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      sara.coko.community.reviews.upsert(book, { rating: 3, title: 'x'.repeat(121) }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(sara.coko.community.reviews.list(book, { cursor: 'not json' })).rejects.toBeInstanceOf(
      ValidationError,
    );

    await db.query(`insert into public.community_suspensions (user_id, reason) values ($1, 'Spam')`, [sara.id]);
    await expect(sara.coko.community.reviews.upsert(book, { rating: 3 })).rejects.toBeInstanceOf(PermissionDeniedError);
    await db.query('delete from public.community_suspensions where user_id = $1', [sara.id]);

    const limit = (await db.query(`select per_minute from private.community_limits where action = 'review'`)).rows[0]
      .per_minute as number;
    for (let i = 0; i < limit; i++) await sara.coko.community.reviews.upsert(book, { rating: (i % 5) + 1 });
    await expect(sara.coko.community.reviews.upsert(book, { rating: 1 })).rejects.toBeInstanceOf(RateLimitError);
  });
});
