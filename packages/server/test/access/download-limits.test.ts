// The access route counts as a download: 10 per hour and 3 at once per reader. An API in this process with
// the limits on a fake clock; concurrency is held by explicit events (storage lookups that wait to be
// released), never by timing.
import { beforeAll, describe, expect, it } from 'vitest';
import { newBuyer } from '../../../../supabase/tests/payments-helpers.ts';
import type { StoragePort } from '../../src/providers/storage/port.ts';
import { bookWithFile, errorOf, limitedApi, storage, tokenFor } from './helpers.ts';

// Fake clocks start at the real time (a whole second): every process of the suite shares the limits'
// tables, and one counting in real time prunes what ended an hour before its clock.
const START = Math.ceil(Date.now() / 1000) * 1000;

let book: string;
beforeAll(async () => {
  book = await bookWithFile({ free: true });
});

/** The stack's storage, whose `head` waits until released: requests stay in progress as long as needed. */
function heldStorage() {
  const waiting: (() => void)[] = [];
  const held: StoragePort = {
    ...storage,
    head: async (bucket, path) => {
      await new Promise<void>((resolve) => waiting.push(resolve));
      return storage.head(bucket, path);
    },
  };
  const started = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (waiting.length >= count ? resolve() : setImmediate(check));
      check();
    });
  return { storage: held, waiting, started };
}

/**
 * Waits until `count` requests wait in storage, failing at once (with the answer) if one of `requests`
 * is answered before it gets there: a wait that can never end would otherwise only show as a timeout.
 */
async function startedOrAnswered(
  held: ReturnType<typeof heldStorage>,
  count: number,
  requests: Promise<Response>[],
): Promise<void> {
  const early = requests.map(async (request) => {
    const res = await request;
    throw new Error(`answered ${res.status} before reaching storage: ${await res.clone().text()}`);
  });
  // The requests are awaited again by the test: only the race's loser is left unobserved here.
  for (const settled of early) settled.catch(() => {});
  await Promise.race([held.started(count), ...early]);
}

describe('download limits of GET /v1/books/{id}/access', () => {
  it('refuses the eleventh access of the hour with 429 RATE_LIMITED and Retry-After', async () => {
    const clock = { now: START };
    const app = limitedApi(clock);
    const reader = (await newBuyer()).id;
    const headers = { authorization: `Bearer ${await tokenFor(reader)}` };
    for (let i = 0; i < 10; i++) {
      const res = await app.request(`/api/v1/books/${book}/access`, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(9 - i));
    }
    clock.now += 600_000;
    const over = await app.request(`/api/v1/books/${book}/access`, { headers });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('3000');
    const body = await over.text();
    expect(JSON.parse(body).error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 10 } });
    expect(body).not.toMatch(/sig=/);
    // Another reader has a budget of their own; the hour passes and the first may open books again.
    const other = { authorization: `Bearer ${await tokenFor((await newBuyer()).id)}` };
    expect((await app.request(`/api/v1/books/${book}/access`, { headers: other })).status).toBe(200);
    clock.now += 3_000_000;
    expect((await app.request(`/api/v1/books/${book}/access`, { headers })).status).toBe(200);
  });

  it('refuses a fourth access in progress with 429, and accepts one again when one ends', async () => {
    const clock = { now: START };
    const held = heldStorage();
    const app = limitedApi(clock, held.storage);
    const headers = { authorization: `Bearer ${await tokenFor((await newBuyer()).id)}` };
    const open = () => Promise.resolve(app.request(`/api/v1/books/${book}/access`, { headers }));
    const running = [open(), open(), open()];
    await startedOrAnswered(held, 3, running);

    const fourth = await open();
    expect(fourth.status).toBe(429);
    expect(await errorOf(fourth)).toMatchObject({
      code: 'RATE_LIMITED',
      details: { concurrentLimit: 3, inProgress: 3 },
    });

    held.waiting.shift()?.();
    const ended = await Promise.race(running.map((done, index) => done.then((res) => ({ index, res }))));
    expect(ended.res.status).toBe(200);
    const again = open();
    await startedOrAnswered(held, 3, [again]);
    for (const release of held.waiting.splice(0)) release();
    const rest = running.filter((_, index) => index !== ended.index);
    expect((await Promise.all([...rest, again])).map((res) => res.status)).toEqual([200, 200, 200]);
  });

  it("fetching the signed manifest and its EPUB files spends no request budget (readers share carriers' IPs)", async () => {
    const clock = { now: START };
    const app = limitedApi(clock, storage, 'anonymous=2/1h');
    const headers = { authorization: `Bearer ${await tokenFor((await newBuyer()).id)}` };
    const res = await app.request(`/api/v1/books/${book}/access`, { headers });
    expect(res.status).toBe(200);
    const manifest = new URL(((await res.json()) as { manifest: { url: string } }).manifest.url, 'http://api.test');
    const target = `${manifest.pathname}${manifest.search}`;
    let chapter = '';
    for (let i = 0; i < 4; i++) {
      const fetched = await app.request(target, { headers: { 'x-real-ip': '198.51.100.7' } });
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('x-ratelimit-limit')).toBeNull();
      chapter = ((await fetched.json()) as { readingOrder: { href: string }[] }).readingOrder[1]?.href ?? '';
    }
    for (let i = 0; i < 4; i++) {
      const fetched = await app.request(new URL(chapter, 'http://api.test').pathname, {
        headers: { 'x-real-ip': '198.51.100.7' },
      });
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('x-ratelimit-limit')).toBeNull();
    }
    // The same address is limited elsewhere.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await app.request('/api/v1/me', { headers: { 'x-real-ip': '198.51.100.7' } })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});
