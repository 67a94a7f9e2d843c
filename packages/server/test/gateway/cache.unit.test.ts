// The gateway's caching helpers without a stack: who gets which Cache-Control, what the ETag covers, what a
// 304 keeps, and the bounded read that decides between hashing a page and streaming a long body on.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  isCacheableAnswer,
  notModifiedHeaders,
  PRIVATE_CACHE_CONTROL,
  PUBLIC_CATALOG_CACHE_CONTROL,
  restCacheControl,
  weakEtag,
} from '../../src/gateway/cache.ts';
import { readUpTo, streamOf } from '../../src/gateway/upstream-request.ts';

const body = (text: string) => new TextEncoder().encode(text);
const chunks = (...parts: string[]) =>
  Readable.from(parts.map((part) => Buffer.from(part))) as unknown as IncomingMessage;

describe('restCacheControl', () => {
  it('public for guests reading the catalog, private otherwise', () => {
    const guest = { kind: 'anon' as const };
    for (const path of [
      '/rest/v1/books',
      '/rest/v1/authors',
      '/rest/v1/publishers',
      '/rest/v1/categories',
      '/rest/v1/rpc/search_books',
    ]) {
      expect(restCacheControl(path, guest), path).toBe(PUBLIC_CATALOG_CACHE_CONTROL);
    }
    expect(restCacheControl('/rest/v1/books', { kind: 'anon', userToken: 'jwt' })).toBe(PRIVATE_CACHE_CONTROL);
    expect(restCacheControl('/rest/v1/books', { kind: 'service' })).toBe(PRIVATE_CACHE_CONTROL);
    expect(restCacheControl('/rest/v1/profiles', guest)).toBe(PRIVATE_CACHE_CONTROL);
    expect(restCacheControl('/rest/v1/books_secret', guest)).toBe(PRIVATE_CACHE_CONTROL);
    expect(restCacheControl('/rest/v1/rpc/can_read', guest)).toBe(PRIVATE_CACHE_CONTROL);
  });
});

describe('weakEtag and isCacheableAnswer', () => {
  it('is weak, stable, and changes with the body or the count in Content-Range', () => {
    const page = body('[{"id":1}]');
    expect(weakEtag(page, '0-0/*')).toMatch(/^W\/"[\w-]{27}"$/);
    expect(weakEtag(page, '0-0/1')).toBe(weakEtag(body('[{"id":1}]'), '0-0/1'));
    expect(weakEtag(page, '0-0/2')).not.toBe(weakEtag(page, '0-0/1'));
    expect(weakEtag(body('[{"id":2}]'), '0-0/1')).not.toBe(weakEtag(page, '0-0/1'));
    expect(weakEtag(page, null)).not.toBe(weakEtag(page, '0-0/1'));
  });

  it('validates 200s and PostgREST row ranges, not byte ranges or errors', () => {
    expect(isCacheableAnswer(200, new Headers())).toBe(true);
    expect(isCacheableAnswer(206, new Headers({ 'content-range': '0-19/532' }))).toBe(true);
    expect(isCacheableAnswer(206, new Headers({ 'content-range': 'bytes 0-99/1000' }))).toBe(false);
    for (const status of [201, 204, 400, 404, 500]) expect(isCacheableAnswer(status, new Headers())).toBe(false);
  });

  it('a 304 keeps the validators and caching headers only', () => {
    const kept = notModifiedHeaders(
      new Headers({
        etag: 'W/"x"',
        'cache-control': 'private, no-cache',
        vary: 'Accept',
        'x-request-id': 'r1',
        'content-type': 'application/json',
        'content-range': '0-0/*',
      }),
    );
    expect(Object.fromEntries(kept)).toEqual({
      etag: 'W/"x"',
      'cache-control': 'private, no-cache',
      vary: 'Accept',
      'x-request-id': 'r1',
    });
  });
});

describe('readUpTo', () => {
  it('returns a body within the bound whole', async () => {
    const read = await readUpTo(chunks('ab', 'cd'), 4);
    expect('whole' in read && Buffer.from(read.whole).toString()).toBe('abcd');
  });

  it('past the bound, hands back what it read and the rest, which stream on in order', async () => {
    const read = await readUpTo(chunks('ab', 'cd', 'ef', 'gh'), 3);
    expect('head' in read).toBe(true);
    if (!('head' in read)) return;
    expect(Buffer.concat(read.head).toString()).toBe('abcd');
    const text = await new Response(streamOf(read.rest, read.head)).text();
    expect(text).toBe('abcdefgh');
  });
});
