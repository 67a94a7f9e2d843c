import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src';
import { json, testClient, UUID } from './helpers';

// coko.admin on a fake fetch: the request each method sends, validation before any request, retries.
const API = '/functions/v1/api/v1/admin';

describe('coko.admin', () => {
  it('books.create POSTs the validated body; list sends its filters as query parameters', async () => {
    const { coko, calls } = testClient(({ method }) =>
      json(method === 'GET' ? { data: [], nextCursor: null } : { id: UUID }),
    );
    await coko.admin.books.create({
      title: 'Sous l’orage',
      authorIds: [UUID],
      availableCountries: ['SN'],
      metadata: { a: 1 },
    });
    expect(calls[0]).toMatchObject({ method: 'POST' });
    expect(calls[0]?.url.pathname).toBe(`${API}/books`);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      title: 'Sous l’orage',
      authorIds: [UUID],
      availableCountries: ['SN'],
      metadata: { a: 1 },
    });
    await coko.admin.books.list({ status: 'draft', limit: 10, cursor: 'abc', q: 'orage' });
    expect(calls[1]?.url.search).toBe('?limit=10&cursor=abc&q=orage&status=draft');
    await coko.admin.categories.list({ parentId: 'root' });
    expect(`${calls[2]?.url.pathname}${calls[2]?.url.search}`).toBe(`${API}/categories?parentId=root`);
  });

  it.each([
    [
      'a create without title',
      (c: ReturnType<typeof testClient>['coko']) => c.admin.books.create({} as never),
      'title',
    ],
    [
      'a repeated author',
      (c: ReturnType<typeof testClient>['coko']) => c.admin.books.create({ title: 'x', authorIds: [UUID, UUID] }),
      'authorIds',
    ],
    [
      'a lower-case country',
      (c: ReturnType<typeof testClient>['coko']) => c.admin.books.update(UUID, { availableCountries: ['sn'] }),
      'availableCountries.0',
    ],
    [
      'a non-object metadata',
      (c: ReturnType<typeof testClient>['coko']) => c.admin.books.update(UUID, { metadata: [] as never }),
      'metadata',
    ],
    [
      'an unknown field',
      (c: ReturnType<typeof testClient>['coko']) => c.admin.books.update(UUID, { status: 'published' } as never),
      'input',
    ],
    ['a bad id', (c: ReturnType<typeof testClient>['coko']) => c.admin.authors.get('nope'), 'id'],
    [
      'an author without name',
      (c: ReturnType<typeof testClient>['coko']) => c.admin.authors.create({} as never),
      'name',
    ],
    [
      'a bad website',
      (c: ReturnType<typeof testClient>['coko']) => c.admin.publishers.update(UUID, { website: 'ftp://x' }),
      'website',
    ],
  ])('refuses %s before any request', async (_, run, field) => {
    const { coko, calls } = testClient();
    const error = await run(coko).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toMatchObject({ field });
    expect(calls).toHaveLength(0);
  });

  it('publish is retried after a 503 (publishing twice changes nothing); create is not', async () => {
    let attempts = 0;
    const flaky = () =>
      ++attempts === 1
        ? json({ error: { code: 'SERVICE_UNAVAILABLE', message: 'down', id: 'r' } }, { status: 503 })
        : json({ id: UUID, status: 'published' });
    const { coko } = testClient(flaky, { retries: 1 });
    expect(await coko.admin.books.publish(UUID)).toMatchObject({ status: 'published' });
    expect(attempts).toBe(2);

    attempts = 0;
    const other = testClient(flaky, { retries: 1 });
    await expect(other.coko.admin.books.create({ title: 'x' })).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(1);
  });

  it('delete resolves with nothing on 204', async () => {
    const { coko, calls } = testClient(() => new Response(null, { status: 204 }));
    await expect(coko.admin.books.delete(UUID)).resolves.toBeUndefined();
    expect(calls[0]).toMatchObject({ method: 'DELETE' });
  });
});
