// Partner webhooks through the worker: events.dispatch turns a partner's events into webhooks.deliver
// jobs, which POST them signed to a local HTTP server standing in for the partner; the signature
// verifies with @coko/sdk/server's verifyWebhook. Failures are retried with backoff and dead-lettered;
// 410 stops at once; a hanging endpoint times out.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { verifyWebhook } from '../../../sdk/src/server/webhooks.ts';
import { partnerWebhooksConsumer } from '../../src/events/partner-webhooks.ts';
import { dispatchEventsHandler } from '../../src/jobs/handlers/events-dispatch.ts';
import { deliverWebhookHandler } from '../../src/jobs/handlers/webhooks-deliver.ts';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES, QUEUES, type QueueDefinition } from '../../src/jobs/queues.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { jobsOf, memoryLogger, ownDatabaseAsPostgres, queryPool, sendJob, waitFor } from '../jobs/helpers.ts';

const stack = testStack();
let db: pg.Pool;
let server: Server;
let worker: CokoWorker;
let base = '';

interface Received {
  path: string;
  body: string;
  signature: string | undefined;
  eventId: string | undefined;
}
const received: Received[] = [];
/** How the partner answers, per path: a status, or 'hang'. */
const answers = new Map<string, number | 'hang'>();

// Fast retries for the test (the real queue waits 30 s, doubling, 8 times).
const queues: QueueDefinition[] = QUEUES.filter((q) =>
  [DEAD_LETTER_QUEUE, QUEUE_NAMES.dispatchEvents, QUEUE_NAMES.deliverWebhook].includes(q.name),
).map((q) =>
  q.name === QUEUE_NAMES.deliverWebhook
    ? { ...q, options: { ...q.options, retryLimit: 2, retryDelay: 1, retryBackoff: false } }
    : q,
);

beforeAll(async () => {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  db = queryPool(stack.databaseUrl);
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        signature: req.headers['coko-signature'] as string | undefined,
        eventId: req.headers['coko-event-id'] as string | undefined,
      });
      const answer = answers.get(req.url ?? '') ?? 204;
      if (answer === 'hang') return; // never answers: the delivery times out
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  worker = await startWorker({
    databaseUrl: stack.databaseUrl,
    queues,
    schedules: [],
    handlers: {
      [QUEUE_NAMES.dispatchEvents]: dispatchEventsHandler({ consumers: () => [partnerWebhooksConsumer] }),
      [QUEUE_NAMES.deliverWebhook]: deliverWebhookHandler({ timeoutMs: 300 }),
    },
    pollingIntervalSeconds: 0.5,
    maintenanceIntervalSeconds: 1,
    // Failed attempts are expected here: keep their log lines out of the test output.
    logger: memoryLogger().logger,
  });
});
afterAll(async () => {
  await worker?.stop({ timeoutMs: 2000 });
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await db?.end();
});

/** A partner whose webhook URL is `base + path`, and one of its readers; their ids and the secret. */
async function partnerWithReader(path: string) {
  const slug = `wh-${randomUUID().slice(0, 8)}`;
  const { rows } = await db.query<{ id: string }>(
    `insert into private.partners (name, slug, webhook_url) values ($1, $1, $2) returning id`,
    [slug, `${base}${path}`],
  );
  const partnerId = rows[0]?.id as string;
  const userId = randomUUID();
  await db.query(
    `insert into auth.users (id, email, raw_app_meta_data) values ($1, $2, jsonb_build_object('partner_id', $3::text))`,
    [userId, `${slug}@webhooks.test`, partnerId],
  );
  await db.query(
    `insert into private.partner_users (partner_id, external_user_id, user_id) values ($1, 'ext-' || $2, $2::uuid)`,
    [partnerId, userId],
  );
  const secret = (
    await db.query<{ secret: string }>(
      'select secret from private.partner_webhook_secrets where partner_id = $1 and expires_at is null',
      [partnerId],
    )
  ).rows[0]?.secret as string;
  return { partnerId, userId, secret };
}

async function emitReview(userId: string): Promise<string> {
  const reviewId = randomUUID();
  const { rows } = await db.query<{ id: string }>(
    `select private.emit_event('review.created', $1, $2, 'review.created:' || $2,
            jsonb_build_object('bookId', $3::text, 'reviewId', $2::text, 'rating', 5))::text as id`,
    [userId, reviewId, randomUUID()],
  );
  return rows[0]?.id as string;
}

const deliveries = async (eventId: string) =>
  (await jobsOf(db, QUEUE_NAMES.deliverWebhook)).filter((job) => job.data.eventId === eventId);

describe('partner webhooks', () => {
  it('delivers each event of a partner’s readers once, signed, verifiable with verifyWebhook', async () => {
    const { userId, secret } = await partnerWithReader('/ok');
    const registered = await waitFor(
      async () =>
        (
          await db.query<{ id: string }>(
            `select id::text from private.domain_events where kind = 'user.registered' and user_id = $1`,
            [userId],
          )
        ).rows[0]?.id,
    );
    const reviewEvent = await emitReview(userId);
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);
    const hits = await waitFor(
      async () => {
        const ok = received.filter((r) => r.path === '/ok');
        return ok.length >= 2 ? ok : undefined;
      },
      { what: 'two webhooks', timeoutMs: 30_000 },
    );
    const events = await Promise.all(hits.map((hit) => verifyWebhook(hit.body, hit.signature, secret)));
    const review = events.find((event) => event.id === reviewEvent);
    expect(review).toMatchObject({
      type: 'review.created',
      data: { userId, externalUserId: `ext-${userId}`, rating: 5 },
    });
    expect(events.find((event) => event.id === registered)?.type).toBe('user.registered');
    // Dispatching again sends nothing more.
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);
    await waitFor(
      async () => (await jobsOf(db, QUEUE_NAMES.dispatchEvents)).every((job) => job.state === 'completed'),
      {
        what: 'the dispatch jobs to complete',
      },
    );
    expect((await deliveries(reviewEvent)).map((job) => job.state)).toEqual(['completed']);
    expect(received.filter((r) => r.path === '/ok' && r.eventId === reviewEvent)).toHaveLength(1);
  });

  it('retries a failing endpoint with backoff, then dead-letters the delivery', async () => {
    answers.set('/down', 503);
    const { userId } = await partnerWithReader('/down');
    const eventId = await emitReview(userId);
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);
    const [job] = await waitFor(
      async () => {
        const jobs = await deliveries(eventId);
        return jobs[0]?.state === 'failed' ? jobs : undefined;
      },
      { what: 'the delivery to fail for good', timeoutMs: 40_000 },
    );
    expect(job?.retry_count).toBe(2);
    expect(received.filter((r) => r.path === '/down' && r.eventId === eventId)).toHaveLength(3);
    const dead = await waitFor(async () =>
      (await jobsOf(db, DEAD_LETTER_QUEUE)).find((d) => d.data.eventId === eventId),
    );
    expect(dead.data).toMatchObject({ eventId });
  });

  it('stops at once on 410 Gone, and counts a hanging endpoint as a failed attempt', async () => {
    answers.set('/gone', 410);
    answers.set('/hang', 'hang');
    const gone = await partnerWithReader('/gone');
    const hang = await partnerWithReader('/hang');
    const goneEvent = await emitReview(gone.userId);
    const hangEvent = await emitReview(hang.userId);
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);
    const [goneJob] = await waitFor(
      async () => {
        const jobs = await deliveries(goneEvent);
        return jobs[0]?.state === 'completed' ? jobs : undefined;
      },
      { what: 'the 410 delivery to complete', timeoutMs: 30_000 },
    );
    expect(goneJob?.output).toMatchObject({ outcome: 'gone' });
    expect(goneJob?.retry_count).toBe(0);
    const [hangJob] = await waitFor(
      async () => {
        const jobs = await deliveries(hangEvent);
        return jobs[0] && jobs[0].retry_count >= 1 ? jobs : undefined;
      },
      { what: 'the hanging delivery to be retried', timeoutMs: 30_000 },
    );
    expect(hangJob?.output).toMatchObject({ message: expect.stringContaining('did not answer within 300 ms') });
  });

  it('sends nothing for readers of a partner without a webhook URL', async () => {
    const { partnerId, userId } = await partnerWithReader('/none');
    await db.query('update private.partners set webhook_url = null where id = $1', [partnerId]);
    const eventId = await emitReview(userId);
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);
    await waitFor(
      async () =>
        (
          await db.query<{ last_id: string }>(
            `select last_id::text from private.event_cursors where consumer = 'partner-webhooks'`,
          )
        ).rows.some((row) => BigInt(row.last_id) >= BigInt(eventId)),
      { what: 'the cursor to pass the event', timeoutMs: 30_000 },
    );
    expect(await deliveries(eventId)).toEqual([]);
  });
});
