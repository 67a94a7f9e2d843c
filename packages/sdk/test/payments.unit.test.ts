import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError, type Order, ValidationError } from '../src';
import { POLL_CAP } from '../src/payments/wait-for-order';
import { json, testClient, UUID } from './helpers';

const API = '/functions/v1/api/v1';
const BOOK = UUID;
const PLAN = '40000000-0000-4000-8000-000000000002';
const ORDER = '40000000-0000-4000-8000-000000000003';

const order = (status: Order['status']): Order => ({
  id: ORDER,
  status,
  bookId: BOOK,
  planId: null,
  amount: 1500,
  currency: 'XOF',
  provider: 'sandbox',
  checkoutUrl: status === 'pending' ? 'https://coko.test/checkout' : null,
  failureReason: null,
  createdAt: '2026-12-07T08:00:00.000Z',
  paidAt: status === 'paid' ? '2026-12-07T08:01:00.000Z' : null,
  refundedAt: null,
  receiptId: null,
});

const apiError = (status: number, code: string) => json({ error: { code, message: code, id: 'req-1' } }, { status });

describe('payments.checkout', () => {
  const params = {
    bookId: BOOK,
    provider: 'wave',
    phone: '+221771234567',
    returnUrl: 'https://app.test/done',
  } as const;

  it('POSTs the body with a generated Idempotency-Key, reused by the retries of that call', async () => {
    let attempts = 0;
    const { coko, calls } = testClient(
      () =>
        ++attempts < 3
          ? apiError(503, 'SERVICE_UNAVAILABLE')
          : json({ order: order('pending'), checkoutUrl: 'u' }, { status: 201 }),
      { retries: 2 },
    );
    const result = await coko.payments.checkout(params);
    expect(result).toEqual({ order: order('pending'), checkoutUrl: 'u' });
    expect(calls.map((c) => [c.method, c.url.pathname])).toEqual(Array(3).fill(['POST', `${API}/checkout`]));
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(params);
    const keys = calls.map((c) => c.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);

    // A second call is another purchase attempt: a new key.
    await coko.payments.checkout(params);
    expect(calls[3]?.headers.get('idempotency-key')).not.toBe(keys[0]);
  });

  it('sends the caller’s key and an upper-cased currency for a plan', async () => {
    const { coko, calls } = testClient(() => json({ order: order('pending'), checkoutUrl: 'u' }, { status: 201 }));
    await coko.payments.checkout(
      { planId: PLAN, provider: 'sandbox', currency: 'eur', returnUrl: 'http://localhost:5173/' },
      { idempotencyKey: 'basket-42' },
    );
    expect(calls[0]?.headers.get('idempotency-key')).toBe('basket-42');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      planId: PLAN,
      provider: 'sandbox',
      currency: 'EUR',
      returnUrl: 'http://localhost:5173/',
    });
  });

  it('refuses bad input before any request', async () => {
    const { coko, calls } = testClient();
    const bad: unknown[] = [
      { ...params, planId: PLAN },
      { provider: 'wave', returnUrl: 'https://app.test/' },
      { ...params, provider: 'cash' },
      { ...params, returnUrl: 'javascript:alert(1)' },
      { ...params, currency: 'francs' },
      { ...params, bookId: 'not-a-uuid' },
    ];
    for (const input of bad) {
      await expect(coko.payments.checkout(input as typeof params)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(coko.payments.checkout(params, { idempotencyKey: 'with space' })).rejects.toMatchObject({
      details: { field: 'idempotencyKey' },
    });
    expect(calls).toHaveLength(0);
  });

  it('a server refusal is a CokoError with the server’s code', async () => {
    const { coko } = testClient(() => apiError(409, 'ALREADY_OWNED'));
    await expect(coko.payments.checkout(params)).rejects.toMatchObject({ code: 'ALREADY_OWNED', status: 409 });
  });
});

describe('payments reads', () => {
  it('call their routes and unwrap lists', async () => {
    const { coko, calls } = testClient((request) => {
      const path = request.url.pathname.replace(API, '');
      if (path === '/orders') return json({ data: [order('paid')], nextCursor: null });
      if (path.startsWith('/orders/')) return json(order('paid'));
      if (path.endsWith('/receipt.md')) return new Response('# Reçu');
      if (path === `/books/${BOOK}/access`) return json({ bookId: BOOK });
      return json({ data: [{ path }] });
    });
    expect(await coko.payments.plans()).toEqual([{ path: '/plans' }]);
    expect(await coko.payments.orders({ cursor: 'abc' })).toEqual({ data: [order('paid')], nextCursor: null });
    expect(await coko.payments.order(ORDER)).toEqual(order('paid'));
    expect(await coko.payments.entitlements({ all: true })).toEqual([{ path: '/entitlements' }]);
    expect(await coko.payments.receipts()).toEqual([{ path: '/receipts' }]);
    expect(await coko.payments.receiptMarkdown(ORDER, { lang: 'en' })).toBe('# Reçu');
    expect(await coko.payments.access(BOOK)).toEqual({ bookId: BOOK });
    expect(calls.map((c) => `${c.method} ${c.url.pathname.replace(API, '')}${c.url.search}`)).toEqual([
      'GET /plans',
      'GET /orders?cursor=abc',
      `GET /orders/${ORDER}`,
      'GET /entitlements?all=true',
      'GET /receipts',
      `GET /receipts/${ORDER}/receipt.md?lang=en`,
      `GET /books/${BOOK}/access`,
    ]);
  });

  it('canRead calls the can_read RPC as a read-only POST (retried like a GET)', async () => {
    let attempts = 0;
    const { coko, calls } = testClient(() => (++attempts < 2 ? new Response('', { status: 503 }) : json(true)), {
      retries: 1,
    });
    expect(await coko.payments.canRead(BOOK)).toBe(true);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ method: 'POST', url: new URL('https://coko.test/rest/v1/rpc/can_read') });
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ book_id: BOOK });
    expect(calls[0]?.headers.has('x-coko-read-only')).toBe(false);
  });

  it('refuses bad ids before any request', async () => {
    const { coko, calls } = testClient();
    await expect(coko.payments.order('42')).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.payments.canRead('')).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.payments.access('x')).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.payments.receiptPdf(ORDER, { lang: 'de' as 'fr' })).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(0);
  });
});

describe('payments.waitForOrder', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // The middle of the jitter range: the waits are exactly half of 1 s, 2 s, 4 s … capped at 15 s.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A client whose order moves through `statuses` (one per poll; the last one repeats). */
  function polled(statuses: (Order['status'] | number)[]) {
    let n = 0;
    return testClient(() => {
      const next = statuses[Math.min(n++, statuses.length - 1)] ?? 'pending';
      return typeof next === 'number'
        ? apiError(next, next === 404 ? 'NOT_FOUND' : 'INTERNAL_ERROR')
        : json(order(next));
    });
  }

  it('polls with capped exponential backoff until the order is settled', async () => {
    const { coko, calls } = polled([
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
      'paid',
    ]);
    let settled: Order | undefined;
    void coko.payments.waitForOrder(ORDER).then((o) => {
      settled = o;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    // Waits of 500, 1000, 2000, 4000, 7500 (the cap: 15 s × 0.5), 7500, 7500 ms.
    const waits = [500, 1000, 2000, 4000, POLL_CAP / 2, POLL_CAP / 2, POLL_CAP / 2];
    for (const [i, wait] of waits.entries()) {
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(calls).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls).toHaveLength(i + 2);
    }
    expect(settled?.status).toBe('paid');
    expect(calls.every((c) => c.url.pathname === `${API}/orders/${ORDER}`)).toBe(true);
  });

  it('polls through server errors; a 404 is thrown at once', async () => {
    const { coko, calls } = polled(['pending', 500, 'failed']);
    const result = coko.payments.waitForOrder(ORDER);
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(await result).toMatchObject({ status: 'failed' });
    expect(calls).toHaveLength(3);

    const missing = polled([404]).coko.payments.waitForOrder(ORDER);
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
  });

  it('resolves with the still-pending order after timeoutMs', async () => {
    const { coko, calls } = polled(['pending']);
    const result = coko.payments.waitForOrder(ORDER, { timeoutMs: 5_000 });
    // 500 + 1000 + 2000 ms of waits, then the last wait is cut to the 1 500 ms left.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await result).toMatchObject({ status: 'pending' });
    expect(calls).toHaveLength(5);
  });

  it('stops polling when the signal aborts', async () => {
    const { coko, calls } = polled(['pending']);
    const controller = new AbortController();
    const result = coko.payments.waitForOrder(ORDER, { signal: controller.signal });
    const rejected = expect(result).rejects.toMatchObject({ name: 'AbortError' });
    await vi.advanceTimersByTimeAsync(600);
    controller.abort();
    await rejected;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(2);
  });

  it('refuses a bad timeout before any request', async () => {
    const { coko, calls } = polled(['paid']);
    await expect(coko.payments.waitForOrder(ORDER, { timeoutMs: -1 })).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(0);
  });
});
