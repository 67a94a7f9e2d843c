// Fixtures for the payment tests: an API app on the file's own database (app.request, the sandbox provider on,
// a settable clock), partners and their readers minted through POST /v1/sessions, books and plans written as the
// superuser, and a real pg-boss worker consuming the payment queues.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { cliActor, createPartner } from '../../src/admin/index.ts';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { HANDLERS } from '../../src/jobs/handlers/index.ts';
import { QUEUE_NAMES, QUEUES } from '../../src/jobs/queues.ts';
import type { JobHandlers } from '../../src/jobs/types.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { paymentProvidersFromConfig } from '../../src/providers/payments/index.ts';
import { ownDatabaseAsPostgres } from '../jobs/helpers.ts';

export const stack = testStack();
export const RETURN_ORIGIN = 'https://reader.partner.example';
export const RETURN_URL = `${RETURN_ORIGIN}/orders`;

export const config = loadConfig({
  COKO_ENV: 'test',
  LOG_LEVEL: 'silent',
  COKO_JWT_SECRET: 'p'.repeat(40),
  COKO_PUBLIC_URL: 'https://coko.test',
  CORS_ORIGINS: 'https://first-party.example',
  RATE_LIMITS: 'off',
});

/** The file's database as the API's role. */
export const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 8 });
/** The file's database as the superuser (fixtures). */
export const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });
db.on('error', () => {});
admin.on('error', () => {});

export const providers = paymentProvidersFromConfig(config, {});
export const logger = createLogger({ level: 'silent' });

export const app = createApp({
  config,
  db,
  logger,
  limits: false,
  payments: providers,
});

const workers: CokoWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop({ timeoutMs: 2000 })));
  await db.end();
  await admin.end();
});

export async function sql<R = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await admin.query(text, values)).rows as R[];
}

/** A worker in this process consuming `handlers` (default: the payment queues' own). */
export async function paymentWorker(handlers?: JobHandlers): Promise<CokoWorker> {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  const worker = await startWorker({
    databaseUrl: stack.databaseUrl,
    queues: QUEUES,
    schedules: [],
    handlers: handlers ?? {
      [QUEUE_NAMES.processPaymentEvent]: HANDLERS[QUEUE_NAMES.processPaymentEvent] as JobHandlers[string],
    },
    pollingIntervalSeconds: 0.5,
    logger,
  });
  workers.push(worker);
  return worker;
}

/** Declares the queues without consuming them (the API can then send jobs that stay queued). */
export async function declareQueues(): Promise<void> {
  const worker = await paymentWorker({});
  await worker.stop({ timeoutMs: 1000 });
}

const unique = () => randomUUID().slice(0, 8);

export interface Reader {
  id: string;
  token: string;
  partnerId: string;
  /** The partner's id for the reader. */
  externalUserId: string;
}

export interface Partner {
  id: string;
  secretKey: string;
}

export async function newPartner(): Promise<Partner> {
  const slug = `shop-${unique()}`;
  const { partner, secretKey } = await createPartner(
    { db, actor: cliActor() },
    { name: slug, slug, allowedOrigins: [RETURN_ORIGIN], defaultCountry: 'SN', defaultLanguage: 'fr' },
  );
  if (!secretKey) throw new Error('no secret key');
  return { id: partner.id, secretKey: secretKey.key };
}

/** A reader of `partner` (minted through POST /v1/sessions, as a partner backend does). */
export async function newReader(partner: Partner, country = 'SN'): Promise<Reader> {
  const externalUserId = `reader-${unique()}`;
  const response = await app.request('/api/v1/sessions', {
    method: 'POST',
    headers: { authorization: `Bearer ${partner.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ externalUserId, name: 'Awa Diop', country }),
  });
  if (response.status !== 200) throw new Error(`session: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { accessToken: string; user: { id: string } };
  return { id: body.user.id, token: body.accessToken, partnerId: partner.id, externalUserId };
}

export async function newBook(
  input: { price?: number; currency?: string; status?: 'published' | 'draft'; countries?: string[] } = {},
): Promise<string> {
  const id = randomUUID();
  const price = input.price ?? 1500;
  const status = input.status ?? 'published';
  await sql(
    `insert into public.books (id, title, language, status, format, price, currency, is_free, available_countries)
     values ($1, $2, 'fr', $3, $4, $5, $6, $7, $8)`,
    [
      id,
      `Livre ${unique()}`,
      status,
      status === 'published' ? 'epub' : null,
      price,
      input.currency ?? 'XOF',
      price === 0,
      input.countries ?? [],
    ],
  );
  return id;
}

export async function newPlan(prices: Record<string, number> = { XOF: 2000 }): Promise<string> {
  const [plan] = await sql<{ id: string }>(
    `insert into public.plans (slug, name, interval) values ($1, 'Mensuel', 'month') returning id`,
    [`plan-${unique()}`],
  );
  if (!plan) throw new Error('no plan');
  for (const [currency, amount] of Object.entries(prices)) {
    await sql('insert into public.plan_prices (plan_id, currency, amount) values ($1, $2, $3)', [
      plan.id,
      currency,
      amount,
    ]);
  }
  return plan.id;
}

export function checkout(reader: Reader, body: Record<string, unknown>, key: string = randomUUID()) {
  return app.request('/api/v1/checkout', {
    method: 'POST',
    headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ provider: 'sandbox', returnUrl: RETURN_URL, ...body }),
  });
}

export function get(reader: Reader, path: string) {
  return app.request(`/api${path}`, { headers: { authorization: `Bearer ${reader.token}` } });
}

export interface OrderBody {
  id: string;
  status: string;
  amount: number;
  currency: string;
  checkoutUrl: string | null;
  receiptId: string | null;
}

/** Opens a sandbox order for a book and returns it, failing unless 201. */
export async function openOrder(reader: Reader, bookId: string): Promise<{ order: OrderBody; checkoutUrl: string }> {
  const response = await checkout(reader, { bookId });
  if (response.status !== 201) throw new Error(`checkout: ${response.status} ${await response.text()}`);
  return (await response.json()) as { order: OrderBody; checkoutUrl: string };
}

/** Approves or declines on the sandbox page, as the reader's browser does; returns the 303's Location. */
export async function submitSandbox(checkoutUrl: string, outcome: 'approve' | 'decline'): Promise<Response> {
  const url = new URL(checkoutUrl);
  const path = url.pathname.replace(/^\/functions\/v1/, '');
  const page = await app.request(`${path}${url.search}`);
  if (page.status !== 200) throw new Error(`sandbox page: ${page.status} ${await page.text()}`);
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: url.searchParams.get('token') ?? '', outcome }).toString(),
  });
}

export async function orderStatus(orderId: string): Promise<string | undefined> {
  const [row] = await sql<{ status: string }>('select status::text as status from public.orders where id = $1', [
    orderId,
  ]);
  return row?.status;
}

export async function counts(orderId: string) {
  const [row] = await sql<{ events: number; entitlements: number; receipts: number }>(
    `select (select count(*)::int from public.payment_events where order_id = $1) as events,
            (select count(*)::int from public.entitlements where order_id = $1) as entitlements,
            (select count(*)::int from public.receipts where order_id = $1) as receipts`,
    [orderId],
  );
  return row as { events: number; entitlements: number; receipts: number };
}
