import type { CokoOptions } from '../src';
import { createCoko } from '../src';

/** A recorded request made through the fake fetch. */
export interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  /** The request was sent with `fetch`'s `keepalive`. */
  keepalive: boolean;
}

type Handler = (request: Recorded) => Response | Promise<Response>;

/** A `fetch` double that records requests and answers with `handler`. */
export function fakeFetch(handler: Handler = () => json([])) {
  const calls: Recorded[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const recorded: Recorded = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: await request.text(),
      keepalive: init?.keepalive === true,
    };
    calls.push(recorded);
    const signal = init?.signal ?? request.signal;
    if (signal.aborted) throw signal.reason;
    // Like a real fetch: an abort rejects the pending request.
    return Promise.race([
      handler(recorded),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    ]);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** A JSON response. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
}

/** A PostgREST-shaped error response. */
export function postgrestError(
  status: number,
  body: { code: string; message: string; details?: string | null; hint?: string | null },
  headers: Record<string, string> = {},
): Response {
  return json({ details: null, hint: null, ...body }, { status, headers });
}

export const URL_BASE = 'https://coko.test';
export const KEY = 'sb_publishable_test';

/** A client on a fake fetch, with fast retries. */
export function testClient(handler?: Handler, options: Partial<CokoOptions> = {}) {
  const fake = fakeFetch(handler);
  const coko = createCoko({ url: URL_BASE, publishableKey: KEY, fetch: fake.fetch, retries: 0, ...options });
  return { coko, calls: fake.calls };
}

/** A list book as the API returns it. */
export function listBook(id: string, title = `Book ${id}`) {
  return {
    id,
    title,
    subtitle: null,
    cover_path: null,
    language: 'fr',
    price: 1500,
    currency: 'XOF',
    is_free: false,
    is_featured: false,
    format: 'epub',
    publication_date: null,
  };
}

/** The same list book as the SDK returns it (keys in camelCase), without `authors`. */
export function sdkListBook(id: string, title = `Book ${id}`) {
  return {
    id,
    title,
    subtitle: null,
    coverPath: null,
    language: 'fr',
    price: 1500,
    currency: 'XOF',
    isFree: false,
    isFeatured: false,
    format: 'epub',
    publicationDate: null,
  };
}

export const UUID = '40000000-0000-4000-8000-000000000001';

/** An unsigned JWT-shaped token (header.payload.signature, base64url) with the given claims. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'ES256', typ: 'JWT' })}.${part({ role: 'authenticated', aud: 'authenticated', ...claims })}.c2ln`;
}

/** A user token issued at `nowMs`, valid for `seconds`. */
export function userJwt(nowMs: number, seconds: number, sub = 'user-1', extra: Record<string, unknown> = {}): string {
  const iat = Math.floor(nowMs / 1000);
  return fakeJwt({ sub, iat, exp: iat + seconds, ...extra });
}
