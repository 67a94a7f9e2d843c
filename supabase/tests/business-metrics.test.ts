// private.business_metrics() (the business series of /metrics) after real registrations, orders in
// several statuses and providers, reading activity and downloads; and the team's Studio views
// (daily_readers, sales_per_partner, top_books): admins read them, every other caller is refused.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, CLIENT_KINDS, type ClientKind, clientAs, sqlFor } from './helpers.js';
import { markPaid, newBook, newBuyer, newOrder, newPartner } from './payments-helpers.js';
import { change, newReader, sync } from './reading-helpers.js';

type Sample = { name: string; labels: Record<string, string>; value: string };

async function metrics(): Promise<Sample[]> {
  return adminQuery<Sample>('select name, labels, value from private.business_metrics()');
}

/** The value of one series (0 when absent), labels matched exactly. */
function seriesValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find(
    (s) =>
      s.name === name &&
      JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
  );
  return found ? Number(found.value) : 0;
}

const failOrder = (id: string, status: 'failed' | 'expired' = 'failed') =>
  adminQuery('select private.mark_order_failed($1, $2, $3)', [id, status, 'declined by the test']);

describe('private.business_metrics()', () => {
  it('counts registrations by partner slug, first-party ones as (direct)', async () => {
    const before = await metrics();
    const partner = await newPartner();
    const [row] = await adminQuery<{ slug: string }>('select slug from private.partners where id = $1', [partner]);
    const slug = row!.slug;
    await newBuyer();
    for (let i = 0; i < 2; i++) {
      const buyer = await newBuyer();
      await adminQuery('update public.profiles set partner_id = $2 where id = $1', [buyer.id, partner]);
    }
    const after = await metrics();
    expect(seriesValue(after, 'coko_registrations_total', { partner: '(direct)' })).toBe(
      seriesValue(before, 'coko_registrations_total', { partner: '(direct)' }) + 1,
    );
    expect(seriesValue(after, 'coko_registrations_total', { partner: slug })).toBe(2);
  });

  it('counts orders by provider and status, and amounts paid by provider and currency', async () => {
    const before = await metrics();
    const buyer = await newBuyer();
    const book = await newBook({ price: 2500 });
    const paidWave = await newOrder({ userId: buyer.id, bookId: book, provider: 'wave', amount: 2500 });
    await markPaid(paidWave);
    const paidOrange = await newOrder({ userId: buyer.id, bookId: book, provider: 'orange_money', amount: 1000 });
    await markPaid(paidOrange);
    const refunded = await newOrder({ userId: buyer.id, bookId: book, provider: 'orange_money', amount: 700 });
    await markPaid(refunded);
    await adminQuery('select private.refund_order($1, $2, null)', [refunded, 'test refund']);
    await failOrder(await newOrder({ userId: buyer.id, bookId: book, provider: 'wave' }));
    await failOrder(await newOrder({ userId: buyer.id, bookId: book, provider: 'wave' }), 'expired');
    await newOrder({ userId: buyer.id, bookId: book, provider: 'stripe', currency: 'EUR', amount: 300 });

    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) =>
      seriesValue(after, name, labels) - seriesValue(before, name, labels);
    expect(delta('coko_payments_total', { provider: 'wave', status: 'paid' })).toBe(1);
    expect(delta('coko_payments_total', { provider: 'orange_money', status: 'paid' })).toBe(1);
    expect(delta('coko_payments_total', { provider: 'orange_money', status: 'refunded' })).toBe(1);
    expect(delta('coko_payments_total', { provider: 'wave', status: 'failed' })).toBe(1);
    expect(delta('coko_payments_total', { provider: 'wave', status: 'expired' })).toBe(1);
    expect(delta('coko_payments_total', { provider: 'stripe', status: 'pending' })).toBe(1);
    // Paid and later refunded orders both count: the amount ever collected never goes down.
    expect(delta('coko_payments_amount_total', { provider: 'wave', currency: 'XOF' })).toBe(2500);
    expect(delta('coko_payments_amount_total', { provider: 'orange_money', currency: 'XOF' })).toBe(1700);
    expect(delta('coko_payments_amount_total', { provider: 'stripe', currency: 'EUR' })).toBe(0);
  });

  it('counts readers active over 1, 7 and 30 days from their reading writes', async () => {
    const before = await metrics();
    const book = await newBook();
    const today = await newReader();
    await sync(today.client, [change.progress(book, 'phone', 0)]);
    const lastWeek = await newReader();
    await sync(lastWeek.client, [change.session(randomUUID(), book, 'phone', -10, -5)]);
    await adminQuery(`update private.reader_activity set last_read_at = now() - interval '3 days' where user_id = $1`, [
      lastWeek.user.id,
    ]);
    const longAgo = await newReader();
    await sync(longAgo.client, [change.progress(book, 'web', 0)]);
    await adminQuery(
      `update private.reader_activity set last_read_at = now() - interval '40 days' where user_id = $1`,
      [longAgo.user.id],
    );

    const after = await metrics();
    const delta = (window: string) =>
      seriesValue(after, 'coko_active_readers', { window }) - seriesValue(before, 'coko_active_readers', { window });
    expect(delta('1d')).toBe(1);
    expect(delta('7d')).toBe(2);
    expect(delta('30d')).toBe(2);

    // A second sync refreshes the reader's row at most every 5 minutes (no write per position saved).
    const [first] = await adminQuery<{ at: Date }>(
      'select last_read_at as at from private.reader_activity where user_id = $1',
      [today.user.id],
    );
    await sync(today.client, [change.progress(book, 'phone', 1)]);
    const [second] = await adminQuery<{ at: Date }>(
      'select last_read_at as at from private.reader_activity where user_id = $1',
      [today.user.id],
    );
    expect(second!.at).toEqual(first!.at);
  });

  it('forgets when a reader last read when the account is anonymised (a registered step)', async () => {
    const reader = await newReader();
    await sync(reader.client, [change.progress(await newBook(), 'phone', 0)]);
    const activity = () => adminQuery('select 1 from private.reader_activity where user_id = $1', [reader.user.id]);
    expect(await activity()).toHaveLength(1);
    const [step] = await adminQuery<{ function_name: string }>(
      `select function_name from private.account_anonymizers where function_name = 'private.erase_reader_activity(uuid)'`,
    );
    await adminQuery(`select ${step!.function_name.replace('(uuid)', '')}($1)`, [reader.user.id]);
    expect(await activity()).toEqual([]);
  });

  it('counts downloads recorded by private.record_download, and keeps them when the book is deleted', async () => {
    const before = seriesValue(await metrics(), 'coko_downloads_total');
    const book = await newBook();
    await adminQuery('select private.record_download($1)', [book]);
    await adminQuery('select private.record_download($1)', [book]);
    expect(seriesValue(await metrics(), 'coko_downloads_total')).toBe(before + 2);
    await adminQuery('delete from public.books where id = $1', [book]);
    expect(seriesValue(await metrics(), 'coko_downloads_total')).toBe(before + 2);
  });

  it('reports database errors by kind and connections by state', async () => {
    const samples = await metrics();
    for (const kind of ['rollback', 'deadlock', 'conflict']) {
      expect(samples.some((s) => s.name === 'coko_database_errors_total' && s.labels.kind === kind)).toBe(true);
    }
    for (const sample of samples.filter((s) => s.name === 'coko_database_errors_total')) {
      expect(Number(sample.value)).toBeGreaterThanOrEqual(0);
    }
    const states = samples.filter((s) => s.name === 'coko_db_connections').map((s) => s.labels.state);
    expect(states.sort()).toEqual(['active', 'idle', 'idle in transaction', 'idle in transaction (aborted)', 'other']);
    // PostgREST's pool is connected to this database (connections of roles the function's owner may
    // not see in pg_stat_activity count as far as they are visible: see DECISIONS).
    const connections = samples
      .filter((s) => s.name === 'coko_db_connections')
      .reduce((n, s) => n + Number(s.value), 0);
    expect(connections).toBeGreaterThanOrEqual(1);
    expect(seriesValue(samples, 'coko_db_max_connections')).toBeGreaterThan(0);
  });

  it('is for the API pool only: anon, readers and admins through the API cannot run it', async () => {
    for (const kind of ['anon', 'user', 'admin', 'service'] as const) {
      const error = await sqlFor(kind, (db) => db.query('select * from private.business_metrics()')).catch((e) => e);
      expect(error, kind).toMatchObject({ code: '42501' });
    }
  });
});

describe('Studio views (admins only)', () => {
  const VIEWS = ['daily_readers', 'sales_per_partner', 'top_books'] as const;
  let book: string;
  let partner: string;

  beforeAll(async () => {
    partner = await newPartner();
    book = await newBook({ price: 1200 });
    const buyer = await newBuyer();
    const order = await newOrder({
      userId: buyer.id,
      bookId: book,
      partnerId: partner,
      provider: 'wave',
      amount: 1200,
    });
    await markPaid(order);
    for (let i = 0; i < 3; i++) await adminQuery('select private.record_download($1)', [book]);
    const reader = await newReader();
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    await sync(reader.client, [
      change.session(randomUUID(), book, 'phone', -30, -10, {
        startedAt: minutesAgo(30),
        endedAt: minutesAgo(10),
        deviceUpdatedAt: minutesAgo(10),
      }),
    ]);
  });

  it('admins read them through PostgREST with the day, partner and book figures', async () => {
    const admin = await clientAs('admin');
    const readers = await admin.from('daily_readers').select('*');
    expect(readers.error).toBeNull();
    const sessionDay = new Date(Date.now() - 30 * 60_000).toISOString().slice(0, 10);
    const row = readers.data!.find((r) => r.day === sessionDay);
    expect(Number(row!.readers)).toBeGreaterThanOrEqual(1);
    expect(Number(row!.pages_read)).toBeGreaterThanOrEqual(3);

    const sales = await admin.from('sales_per_partner').select('*').eq('partner_id', partner);
    expect(sales.error).toBeNull();
    expect(sales.data).toEqual([
      expect.objectContaining({
        currency: 'XOF',
        orders_paid: 1,
        amount_paid: 1200,
        orders_refunded: 0,
        amount_paid_30d: 1200,
      }),
    ]);

    const top = await admin.from('top_books').select('*').eq('book_id', book);
    expect(top.error).toBeNull();
    expect(top.data).toEqual([
      expect.objectContaining({ book_id: book, downloads_30d: 3, readers_30d: 1, sales_30d: 1, is_published: true }),
    ]);
  });

  const refused = CLIENT_KINDS.filter(
    (kind): kind is Exclude<ClientKind, 'admin' | 'service'> => !['admin', 'service'].includes(kind),
  );
  for (const kind of refused) {
    it(`refuses ${kind} (no rows, a permission error)`, async () => {
      const client = await clientAs(kind);
      for (const view of VIEWS) {
        const { data, error } = await client.from(view).select('*');
        expect(data, `${kind} ${view}`).toBeNull();
        expect(error?.code, `${kind} ${view}`).toBe('42501');
      }
    });
  }

  it('refuses a moderator and a reader in SQL too (the API acting as them)', async () => {
    for (const kind of ['moderator', 'user', 'partnerUser'] as const) {
      const error = await sqlFor(kind, (db) => db.query('select * from public.top_books')).catch((e) => e);
      expect(error, kind).toMatchObject({ code: '42501' });
    }
  });
});
