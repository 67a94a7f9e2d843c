// Sign-up to the outbox through the real worker: the profiles trigger logs user.registered, events.dispatch offers it
// to the notifications consumer, which queues notifications.deliver, which the worker runs with the channels of the
// environment (local: private.dev_outbox).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { HANDLERS } from '../../src/jobs/handlers/index.ts';
import { QUEUE_NAMES, QUEUES } from '../../src/jobs/queues.ts';
import type { JobHandlers } from '../../src/jobs/types.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ownDatabaseAsPostgres, sendJob, waitFor } from '../jobs/helpers.ts';

const stack = testStack();
const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });
admin.on('error', () => {});
let worker: CokoWorker;

beforeAll(async () => {
  process.env.EMAIL_PROVIDER = 'local';
  process.env.COKO_PUBLIC_URL ??= 'https://coko.test';
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  worker = await startWorker({
    databaseUrl: stack.databaseUrl,
    queues: QUEUES,
    schedules: [],
    handlers: {
      [QUEUE_NAMES.dispatchEvents]: HANDLERS[QUEUE_NAMES.dispatchEvents],
      [QUEUE_NAMES.deliverNotification]: HANDLERS[QUEUE_NAMES.deliverNotification],
    } as JobHandlers,
    pollingIntervalSeconds: 0.5,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await worker?.stop({ timeoutMs: 2000 });
  await admin.end();
});

describe('notifications through the worker', () => {
  it('a new reader’s welcome email reaches the local outbox, once', async () => {
    const id = randomUUID();
    const email = `${id}@worker.test`;
    await admin.query(
      `insert into auth.users (instance_id, id, aud, role, email, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), now())`,
      [id, email],
    );
    await sendJob(stack.databaseUrl, QUEUE_NAMES.dispatchEvents);
    const rows = await waitFor(
      async () => {
        const { rows } = await admin.query<{ subject: string; unsubscribe_url: string }>(
          'select subject, unsubscribe_url from private.dev_outbox where recipient = $1',
          [email],
        );
        return rows.length > 0 ? rows : null;
      },
      { what: 'the welcome email in the dev outbox' },
    );
    expect(rows).toEqual([
      {
        subject: 'Bienvenue sur Coko !',
        unsubscribe_url: expect.stringContaining('/v1/notifications/unsubscribe?token='),
      },
    ]);
    // The worker records the delivery as sent after the outbox has the email: wait for that step too.
    const deliveries = await waitFor(
      async () => {
        const { rows } = await admin.query<{ channel: string; status: string; attempts: number }>(
          `select d.channel, d.status, d.attempts from private.notification_deliveries d
             join public.notifications n on n.id = d.notification_id where n.user_id = $1`,
          [id],
        );
        return rows.some((row) => row.status === 'queued') ? null : rows;
      },
      { what: 'the welcome email recorded as delivered' },
    );
    expect(deliveries).toEqual([{ channel: 'email', status: 'sent', attempts: 1 }]);
  });
});
