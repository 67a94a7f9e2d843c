// The catalog rules the SDK enforces or carries (issue 11 §3), on a fake fetch: the search minimum and
// page sizes checked before any request, and the `country` option sent as `x-coko-country`.
import { describe, expect, it } from 'vitest';
import { createCoko, MIN_SEARCH_LENGTH, ValidationError } from '../src';
import { json, KEY, testClient, URL_BASE } from './helpers';

const rpcResult = { total: 0, items: [], facets: { categories: [], languages: [], price: [] } };

async function validationError(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('search minimum (3 characters after trimming)', () => {
  it('refuses 1 and 2 characters, naming the field, before any request', async () => {
    const { coko, calls } = testClient(() => json(rpcResult));
    expect(MIN_SEARCH_LENGTH).toBe(3);
    for (const query of ['a', 'ab', '  ab  ', 'é\u0301']) {
      const error = await validationError(coko.catalog.search(query));
      expect(error.details).toMatchObject({ field: 'query' });
      expect(error.message).toBe('query must be at least 3 characters (or empty)');
    }
    const error = await validationError(coko.catalog.list({ search: 'go' }));
    expect(error.details).toMatchObject({ field: 'search' });
    expect(calls).toHaveLength(0);
  });

  it('counts characters, not UTF-16 units: an emoji is one', async () => {
    const { coko, calls } = testClient(() => json(rpcResult));
    await validationError(coko.catalog.search('📚a'));
    await coko.catalog.search('📚ab');
    expect(JSON.parse(calls[0]?.body ?? '').query).toBe('📚ab');
  });

  it('3 characters search; an empty or blank query browses', async () => {
    const { coko, calls } = testClient((call) => json(call.url.pathname === '/rest/v1/books' ? [] : rpcResult));
    await coko.catalog.search(' abc ');
    await coko.catalog.search('   ');
    await coko.catalog.list({ search: '' });
    expect(calls.map((call) => JSON.parse(call.body || '{}').query)).toEqual(['abc', undefined, undefined]);
    expect(calls[2]?.url.pathname).toBe('/rest/v1/books');
  });

  it('authors and publishers filter by any part of a name: no minimum there', async () => {
    const { coko, calls } = testClient(() => json([]));
    await coko.catalog.authors({ search: 'so' });
    expect(calls[0]?.url.searchParams.get('name')).toMatch(/^ilike\./);
  });
});

describe('page sizes (default 20, at most 100)', () => {
  it('sends 20 by default and up to 100; refuses 101 without a request', async () => {
    const { coko, calls } = testClient(() => json(rpcResult));
    await coko.catalog.search('sahel');
    await coko.catalog.search('sahel', { limit: 100 });
    expect(calls.map((call) => JSON.parse(call.body).page_size)).toEqual([20, 100]);
    const error = await validationError(coko.catalog.search('sahel', { limit: 101 }));
    expect(error.message).toBe('limit must be at most 100');
    expect(calls).toHaveLength(2);
  });
});

describe('the country option', () => {
  it('is sent upper-cased as x-coko-country on PostgREST and API requests', async () => {
    const { coko, calls } = testClient(
      // PostgREST answers a list; the API wraps it in `data`.
      (request) => json(request.url.pathname.startsWith('/rest/') ? [] : { data: [] }),
      { country: 'sn' },
    );
    await coko.catalog.categories();
    await coko.payments.plans();
    expect(calls.map((call) => [call.url.pathname, call.headers.get('x-coko-country')])).toEqual([
      ['/rest/v1/categories', 'SN'],
      ['/functions/v1/api/v1/plans', 'SN'],
    ]);
  });

  it('is absent without the option, and asked on every request when it is a function', async () => {
    let country: string | null = null;
    const { coko, calls } = testClient(() => json([]), { country: () => country });
    await coko.catalog.categories();
    country = 'CI';
    await coko.catalog.categories();
    expect(calls.map((call) => call.headers.get('x-coko-country'))).toEqual([null, 'CI']);
    const plain = testClient(() => json([]));
    await plain.coko.catalog.categories();
    expect(plain.calls[0]?.headers.has('x-coko-country')).toBe(false);
  });

  it('a fixed country that is not an ISO alpha-2 code is refused when the client is made', () => {
    for (const country of ['SEN', 'Senegal', 's', '']) {
      expect(() => createCoko({ url: URL_BASE, publishableKey: KEY, country })).toThrow(ValidationError);
    }
  });
});
