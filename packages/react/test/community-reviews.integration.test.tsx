// @vitest-environment happy-dom
import { randomUUID } from 'node:crypto';
import { createCoko } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBook, useBookReviews, useMyReview, useRatingSummary, useUpsertReview } from '../src';
import { wrapper } from './helpers';

// Real-stack test of the review hooks: the seed's demo reader reviews a fresh book and the rating,
// the list, their review and the catalog detail follow.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const DEMO_READER = { id: '00000000-0000-4000-8000-000000000001' };

describe.skipIf(!process.env.COKO_TEST_URL)('review hooks against the real stack', () => {
  const db = new pg.Pool({ connectionString: process.env.COKO_TEST_ADMIN_DATABASE_URL, max: 1 });
  let accessToken: string;
  const book = randomUUID();

  beforeAll(async () => {
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.ts'),
    ]);
    accessToken = await mintUserToken(testStack().keys, DEMO_READER, { expiresInSeconds: 600 });
    await db.query(
      `insert into public.books (id, title, language, status, format) values ($1, 'Avis', 'fr', 'published', 'epub')`,
      [book],
    );
  });
  afterAll(() => db.end());

  it('useUpsertReview moves useRatingSummary, useBookReviews, useMyReview and useBook', async () => {
    const coko = createCoko({ url, publishableKey, accessToken });
    const { result } = renderHook(
      () => ({
        summary: useRatingSummary(book),
        list: useBookReviews(book),
        mine: useMyReview(book),
        book: useBook(book),
        upsert: useUpsertReview(book),
      }),
      { wrapper: wrapper(coko) },
    );
    await waitFor(() => expect(result.current.summary.data?.count).toBe(0), { timeout: 10_000 });
    await waitFor(() => expect(result.current.mine.isSuccess).toBe(true));
    expect(result.current.mine.data).toBeNull();

    await act(() => result.current.upsert.mutateAsync({ rating: 3, body: 'Correct.' }));
    await waitFor(() =>
      expect(result.current.summary.data).toEqual({ average: 3, count: 1, histogram: [0, 0, 1, 0, 0] }),
    );
    await waitFor(() => expect(result.current.list.data?.pages[0]?.data.map((r) => r.body)).toEqual(['Correct.']));
    expect(result.current.mine.data).toMatchObject({ rating: 3, author: { id: DEMO_READER.id } });
    await waitFor(() => expect(result.current.book.data?.ratingCount).toBe(1));
  });
});
