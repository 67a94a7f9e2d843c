// POST /v1/checkout and GET /v1/plans through the real API and database: prices from the database, the
// Idempotency-Key, and every refusal (owned, free, draft, country, provider, currency, return URL).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  app,
  checkout,
  declareQueues,
  newBook,
  newPartner,
  newPlan,
  newReader,
  type Partner,
  type Reader,
  sql,
} from './helpers.ts';

let partner: Partner;
let reader: Reader;

beforeAll(async () => {
  await declareQueues();
  partner = await newPartner();
  reader = await newReader(partner, 'SN');
});

const codeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('GET /v1/plans', () => {
  it('lists active plans with their prices, anonymously', async () => {
    const planId = await newPlan({ XOF: 2000, EUR: 300 });
    const response = await app.request('/api/v1/plans');
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { id: string; prices: unknown[] }[] };
    expect(data.find((plan) => plan.id === planId)?.prices).toEqual([
      { currency: 'EUR', amount: 300 },
      { currency: 'XOF', amount: 2000 },
    ]);
  });
});

describe('POST /v1/checkout', () => {
  it('prices the order from the database, whatever the client sends', async () => {
    const bookId = await newBook({ price: 4500 });
    const response = await checkout(reader, { bookId, amount: 1 });
    expect(response.status).toBe(400);
    const ok = await checkout(reader, { bookId });
    expect(ok.status).toBe(201);
    const { order } = (await ok.json()) as { order: { amount: number; currency: string } };
    expect(order).toMatchObject({ amount: 4500, currency: 'XOF' });
  });

  it('replays the same key and body, refuses the same key with another body, opens one order', async () => {
    const bookId = await newBook();
    const key = randomUUID();
    const first = await checkout(reader, { bookId }, key);
    const second = await checkout(reader, { bookId }, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await second.json()).toEqual(await first.json());
    const other = await checkout(reader, { bookId: await newBook() }, key);
    expect(other.status).toBe(422);
    expect(await codeOf(other)).toBe('UNPROCESSABLE');
    const [row] = await sql<{ n: number }>('select count(*)::int as n from public.orders where book_id = $1', [bookId]);
    expect(row?.n).toBe(1);
  });

  it('requires an Idempotency-Key', async () => {
    const response = await app.request('/api/v1/checkout', {
      method: 'POST',
      headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        bookId: await newBook(),
        provider: 'sandbox',
        returnUrl: 'https://reader.partner.example/',
      }),
    });
    expect(response.status).toBe(400);
  });

  it('refuses a free book (409 ALREADY_OWNED), a draft or unknown book (404)', async () => {
    const free = await checkout(reader, { bookId: await newBook({ price: 0 }) });
    expect([free.status, await codeOf(free)]).toEqual([409, 'ALREADY_OWNED']);
    const draft = await checkout(reader, { bookId: await newBook({ status: 'draft' }) });
    expect([draft.status, await codeOf(draft)]).toEqual([404, 'NOT_FOUND']);
    const unknown = await checkout(reader, { bookId: randomUUID() });
    expect(unknown.status).toBe(404);
  });

  it("refuses a book not sold in the reader's country (403 NOT_AVAILABLE_IN_COUNTRY)", async () => {
    const response = await checkout(reader, { bookId: await newBook({ countries: ['CI'] }) });
    expect([response.status, await codeOf(response)]).toEqual([403, 'NOT_AVAILABLE_IN_COUNTRY']);
    const sold = await checkout(reader, { bookId: await newBook({ countries: ['CI', 'SN'] }) });
    expect(sold.status).toBe(201);
  });

  it('refuses a provider that is off, and a currency the book is not sold in (422 PROVIDER_UNAVAILABLE)', async () => {
    const bookId = await newBook();
    const off = await checkout(reader, { bookId, provider: 'wave' });
    expect([off.status, await codeOf(off)]).toEqual([422, 'PROVIDER_UNAVAILABLE']);
    const currency = await checkout(reader, { bookId, currency: 'EUR' });
    expect([currency.status, await codeOf(currency)]).toEqual([422, 'PROVIDER_UNAVAILABLE']);
    const unknown = await checkout(reader, { bookId, provider: 'moneygram' });
    expect(unknown.status).toBe(400);
  });

  it("refuses a returnUrl outside the partner's allowed origins (no open redirect)", async () => {
    const bookId = await newBook();
    for (const returnUrl of [
      'https://evil.example/phish',
      'javascript:alert(1)',
      'https://reader.partner.example.evil.example/',
    ]) {
      const response = await checkout(reader, { bookId, returnUrl });
      expect(response.status, returnUrl).toBe(400);
    }
    const [row] = await sql<{ n: number }>('select count(*)::int as n from public.orders where book_id = $1', [bookId]);
    expect(row?.n).toBe(0);
  });

  it('opens a plan order in a currency the plan is priced in; refuses an active subscription', async () => {
    const planId = await newPlan({ XOF: 2000 });
    const response = await checkout(reader, { planId });
    expect(response.status).toBe(201);
    const { order } = (await response.json()) as { order: { amount: number; planId: string; bookId: null } };
    expect(order).toMatchObject({ amount: 2000, planId, bookId: null });
    const euros = await checkout(reader, { planId, currency: 'EUR' });
    expect([euros.status, await codeOf(euros)]).toEqual([422, 'PROVIDER_UNAVAILABLE']);

    const subscriber = await newReader(partner);
    const [paid] = await sql<{ id: string }>(
      `insert into public.orders (user_id, partner_id, plan_id, amount, currency, provider, idempotency_key, return_url)
       values ($1, $2, $3, 2000, 'XOF', 'sandbox', 'seed', 'https://reader.partner.example/') returning id`,
      [subscriber.id, partner.id, planId],
    );
    await sql('select private.mark_order_paid($1, null, now())', [paid?.id]);
    const owned = await checkout(subscriber, { planId });
    expect([owned.status, await codeOf(owned)]).toEqual([409, 'ALREADY_OWNED']);
  });

  it('needs both bookId xor planId and a signed-in reader', async () => {
    expect((await checkout(reader, {})).status).toBe(400);
    expect((await checkout(reader, { bookId: await newBook(), planId: await newPlan() })).status).toBe(400);
    const anonymous = await app.request('/api/v1/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
  });
});
