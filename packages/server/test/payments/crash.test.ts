// The payment job's worker SIGKILLed mid-job (order marked paid inside the uncommitted transaction): nothing
// survives the kill, pg-boss redelivers the job to another worker, and the order ends paid with one
// entitlement and one receipt.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { type CokoWorker, startWorker } from '../../src/jobs/worker.ts';
import { sandboxEvent, signSandboxEvent } from '../../src/providers/payments/index.ts';
import { jobRow, memoryLogger, ownDatabaseAsPostgres, waitFor } from '../jobs/helpers.ts';
import { killChildrenAfterAll, spawnNode, tsxLoader } from '../jobs/processes.ts';
import { crashPaymentHandler, paymentCrashQueues } from './fixtures/crash-queue.ts';
import { app, config, counts, db, newBook, newPartner, newReader, openOrder, orderStatus, stack } from './helpers.ts';

killChildrenAfterAll();

describe('the payment worker killed mid-job', () => {
  it('is retried by another worker: paid once, one entitlement, one receipt', async () => {
    await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
    const victim = spawnNode(['--import', tsxLoader, join(import.meta.dirname, 'fixtures', 'crash-worker.ts')], {
      COKO_DATABASE_URL: stack.databaseUrl,
    });
    await victim.waitForLine((line) => line.msg === 'worker started', 'the child worker to start', 20_000);

    let recovery: CokoWorker | undefined;
    try {
      const reader = await newReader(await newPartner());
      const { order } = await openOrder(reader, await newBook());
      const body = JSON.stringify(
        sandboxEvent({ orderId: order.id, amount: 1500, currency: 'XOF' }, 'approved', new Date()),
      );
      const delivered = await app.request('/api/v1/webhooks/sandbox', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'sandbox-signature': await signSandboxEvent(config.payments.sandbox.webhookSecret, body, new Date()),
        },
        body,
      });
      expect(delivered.status).toBe(200);

      const hanging = await victim.waitForLine(
        (line) => line.msg === 'crash-test: hanging',
        'the mid-job hang',
        20_000,
      );
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      // The open transaction died with the process.
      expect(await orderStatus(order.id)).toBe('pending');
      expect(await counts(order.id)).toEqual({ events: 1, entitlements: 0, receipts: 0 });

      const { logger } = memoryLogger();
      recovery = await startWorker({
        databaseUrl: stack.databaseUrl,
        queues: paymentCrashQueues,
        schedules: [],
        handlers: { [QUEUE_NAMES.processPaymentEvent]: crashPaymentHandler() },
        pollingIntervalSeconds: 0.5,
        maintenanceIntervalSeconds: 1,
        logger,
      });
      await waitFor(async () => (await orderStatus(order.id)) === 'paid', {
        timeoutMs: 30_000,
        what: 'the redelivered job to pay the order',
      });
      const job = await waitFor(
        async () => {
          const row = await jobRow(db, hanging.jobId as string);
          return row?.state === 'completed' ? row : undefined;
        },
        { timeoutMs: 20_000, what: 'the job to complete' },
      );
      expect(job.retry_count).toBeGreaterThanOrEqual(1);
      expect(await counts(order.id)).toEqual({ events: 1, entitlements: 1, receipts: 1 });
    } finally {
      await recovery?.stop({ timeoutMs: 1000 });
    }
  }, 90_000);
});
