// The whole engagement path through a real worker (issue 13): a reader finishes a book → the outbox
// trigger logs reading.book_finished → events.dispatch hands it to the gamification consumer (points,
// the first-book badge, badge.earned) → the next dispatch hands badge.earned to the notifications
// consumer (inbox row, one delivery per allowed channel) → notifications.deliver sends the email
// through the local adapter → the dev outbox shows it. Nothing is called by hand after the first
// dispatch job: the worker's own follow-up jobs carry the path.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { HANDLERS } from '../../src/jobs/handlers/index.ts';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES, QUEUES } from '../../src/jobs/queues.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ownDatabaseAsPostgres, queryPool, sendJob, waitFor } from '../jobs/helpers.ts';

// The worker's default notifications.deliver handler reads its environment (unsubscribe links).
process.env.COKO_JWT_SECRET ??= 'w'.repeat(40);
process.env.COKO_PUBLIC_URL ??= 'https://coko.test';

const stack = testStack();
const USED = [DEAD_LETTER_QUEUE, QUEUE_NAMES.dispatchEvents, QUEUE_NAMES.deliverNotification];
let admin: pg.Pool;
let worker: CokoWorker;

beforeAll(async () => {
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  admin = queryPool(stack.adminDatabaseUrl);
  worker = await startWorker({
    databaseUrl: stack.databaseUrl,
    queues: QUEUES.filter((queue) => USED.includes(queue.name)),
    // The worker's own handlers (which register the event consumers), for the queues of the path only.
    handlers: Object.fromEntries(Object.entries(HANDLERS).filter(([name]) => USED.includes(name))),
    schedules: [],
    pollingIntervalSeconds: 0.5,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await worker?.stop({ timeoutMs: 5000 });
  await admin?.end();
});

const sql = async <R>(text: string, values: unknown[] = []) => (await admin.query(text, values)).rows as R[];

describe('reader finishes a book → points → badge → notification in the local outbox', () => {
  it('goes all the way through the worker, once', async () => {
    const reader = randomUUID();
    const email = `${reader}@whole-path.test`;
    await sql(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), '{"provider":"email"}', '{}', now(), now())`,
      [reader, email],
    );
    await sql(`update public.profiles set display_name = 'Aminata', language = 'fr' where id = $1`, [reader]);
    const book = randomUUID();
    await sql(
      `insert into public.books (id, title, language, status, format) values ($1, 'Une si longue lettre', 'fr', 'published', 'epub')`,
      [book],
    );

    // The reader reaches the end of the book (the reading trigger sets finished_at from the locator).
    const end = {
      href: 'fin.xhtml',
      type: 'application/xhtml+xml',
      locations: { progression: 1, totalProgression: 1 },
    };
    await sql(
      `insert into public.reading_progress (user_id, book_id, locator, device_id) values ($1, $2, $3, 'phone')`,
      [reader, book, JSON.stringify(end)],
    );
    // The cron would send this within a minute; the test sends it at once.
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);

    const message = await waitFor(
      async () => {
        const res = await fetch(`${stack.url}/functions/v1/api/dev/outbox?to=${encodeURIComponent(email)}`);
        const { messages } = (await res.json()) as { messages: { channel: string; subject: string; text: string }[] };
        return messages.find((m) => m.subject === 'Nouveau badge !');
      },
      { what: 'the badge email in the dev outbox', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(message).toMatchObject({ channel: 'email' });
    expect(message.text).toContain('Premier livre');

    // Points: the book (50) and the first-book badge (10), each once.
    const ledger = await sql<{ reason: string; points: number }>(
      'select reason, points from public.points_ledger where user_id = $1 order by id',
      [reader],
    );
    expect(ledger).toEqual([
      { reason: 'book', points: 50 },
      { reason: 'badge', points: 10 },
    ]);
    const [score] = await sql<{ points: number }>('select points from public.reader_scores where user_id = $1', [
      reader,
    ]);
    expect(score?.points).toBe(60);
    const inbox = await sql<{ kind: string }>(
      `select kind from public.notifications where user_id = $1 and kind = 'badge_earned'`,
      [reader],
    );
    expect(inbox).toHaveLength(1);

    // Another dispatch finds nothing new to do: no second ledger row, notification or email.
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);
    await waitFor(
      async () => {
        const [row] = await sql<{ n: number }>(
          `select count(*)::int as n from pgboss.job where name = $1 and state in ('created', 'active', 'retry')`,
          [QUEUE_NAMES.dispatchEvents],
        );
        return row?.n === 0 ? true : undefined;
      },
      { what: 'the dispatch queue to drain', timeoutMs: 30_000, intervalMs: 250 },
    );
    const [after] = await sql<{ ledger: number; notes: number; emails: number }>(
      `select (select count(*)::int from public.points_ledger where user_id = $1) as ledger,
              (select count(*)::int from public.notifications where user_id = $1 and kind = 'badge_earned') as notes,
              (select count(*)::int from private.dev_outbox where recipient = $2 and subject = 'Nouveau badge !') as emails`,
      [reader, email],
    );
    expect(after).toEqual({ ledger: 2, notes: 1, emails: 1 });
  });
});
