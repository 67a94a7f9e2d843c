// Fixtures of the SDK and React payment tests against the file's stack (test/setup-stack.ts): a partner whose
// readers pay in the sandbox, paid books, the reader's browser on the sandbox page, and a pg-boss worker in the
// test process that moves orders as the sandbox's webhooks arrive (the stack runs no worker of its own).
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import pg from 'pg';
import { createCoko } from '../packages/sdk/src/index.ts';
import { createCokoServer } from '../packages/sdk/src/server/index.ts';
import { cliActor, createPartner } from '../packages/server/src/admin/index.ts';
import { HANDLERS } from '../packages/server/src/jobs/handlers/index.ts';
import { QUEUE_NAMES, QUEUES } from '../packages/server/src/jobs/queues.ts';
import type { JobHandlers } from '../packages/server/src/jobs/types.ts';
import { startWorker } from '../packages/server/src/jobs/worker.ts';
import { createLogger } from '../packages/server/src/observability/logger.ts';
import { ownDatabaseAsPostgres } from '../packages/server/test/jobs/helpers.ts';

/**
 * A backend's fetch on node:http (what a partner backend and the sandbox's own page send: no `Origin`), for
 * tests running in a DOM environment whose global fetch is the "browser's". Answers are never followed.
 */
const backendFetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
  const target = new URL(input instanceof Request ? input.url : input);
  const body = init.body == null ? undefined : String(init.body);
  return new Promise<Response>((resolve, reject) => {
    const outgoing = request(
      target,
      { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            if (typeof value === 'string') headers.set(name, value);
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
        });
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}) as typeof fetch;

export const RETURN_ORIGIN = 'https://reader.partner.example';
export const RETURN_URL = `${RETURN_ORIGIN}/orders`;

/** Starts the fixtures; `stop()` ends the worker and the pools. */
export async function paymentFixtures() {
  const url = process.env.COKO_TEST_URL ?? '';
  const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? '';
  const databaseUrl = process.env.COKO_TEST_DATABASE_URL ?? '';
  const adminDatabaseUrl = process.env.COKO_TEST_ADMIN_DATABASE_URL ?? '';
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const admin = new pg.Pool({ connectionString: adminDatabaseUrl, max: 2 });

  const partner = await createPartner(
    { db, actor: cliActor() },
    {
      name: `Pay ${randomUUID().slice(0, 8)}`,
      // In a DOM environment the SDK's requests come from the page's origin, as in a partner's app.
      allowedOrigins: [RETURN_ORIGIN, ...(globalThis.location ? [globalThis.location.origin] : [])],
      defaultCountry: 'SN',
    },
  );
  const secretKey = partner.secretKey?.key as string;
  // A partner's readers use the partner's publishable key (required from a browser).
  const readerKey = partner.publishableKey?.key ?? publishableKey;
  await ownDatabaseAsPostgres(adminDatabaseUrl);
  const worker = await startWorker({
    databaseUrl,
    queues: QUEUES,
    schedules: [],
    handlers: {
      [QUEUE_NAMES.processPaymentEvent]: HANDLERS[QUEUE_NAMES.processPaymentEvent] as JobHandlers[string],
    },
    pollingIntervalSeconds: 0.5,
    logger: createLogger({ level: 'silent' }),
  });

  return {
    url,
    publishableKey,
    admin,
    /** The partner's backend client (@coko/sdk/server, with the partner's secret key). */
    server: () => createCokoServer({ url, secretKey, fetch: backendFetch }),
    /** A new reader of the partner, signed in through a session minted by @coko/sdk/server. */
    async reader() {
      const server = createCokoServer({ url, secretKey, fetch: backendFetch });
      const session = await server.sessions.create({ externalUserId: `payer-${randomUUID()}`, name: 'Awa Diop' });
      return createCoko({ url, publishableKey: readerKey, accessToken: session.accessToken });
    },
    /** A published paid book (1 500 F CFA). */
    async paidBook(): Promise<string> {
      const id = randomUUID();
      await admin.query(
        `insert into public.books (id, title, language, status, format, price, currency, is_free)
         values ($1, $2, 'fr', 'published', 'epub', 1500, 'XOF', false)`,
        [id, `Livre ${id.slice(0, 8)}`],
      );
      return id;
    },
    /** The reader's browser on the sandbox page: opens it, approves or declines; returns the page and the redirect. */
    async sandbox(checkoutUrl: string, outcome: 'approve' | 'decline') {
      const page = await backendFetch(checkoutUrl);
      if (page.status !== 200) throw new Error(`sandbox page: ${page.status} ${await page.text()}`);
      const token = new URL(checkoutUrl).searchParams.get('token') ?? '';
      const submitted = await backendFetch(checkoutUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, outcome }).toString(),
      });
      if (submitted.status !== 303) throw new Error(`sandbox form: ${submitted.status} ${await submitted.text()}`);
      return { html: await page.text(), location: submitted.headers.get('location') };
    },
    async stop() {
      await worker.stop({ timeoutMs: 2000 });
      await Promise.all([db.end(), admin.end()]);
    },
  };
}
