import { dispatchEvents } from '../../events/dispatch.ts';
import { eventConsumers } from '../../events/registry.ts';
import type { EventConsumer } from '../../events/types.ts';
import { QUEUE_NAMES } from '../queues.ts';
import { jobSender } from '../send.ts';
import type { JobHandler } from '../types.ts';

export interface DispatchJobDeps {
  /** Default: the registered consumers (src/events/consumers.ts). */
  consumers?: () => readonly EventConsumer[];
  batchSize?: number;
}

/**
 * `events.dispatch` (every minute, and again right after a run that had work): one batch of domain
 * events for each consumer, each in its own transaction with its cursor move. A failing consumer keeps
 * its cursor (its batch is offered again next run) while the others move on; the job then fails so the
 * failure is seen (logs, Sentry), and the next tick retries it.
 */
export function dispatchEventsHandler(deps: DispatchJobDeps = {}): JobHandler {
  const consumers = deps.consumers ?? eventConsumers;
  return async (_job, { db, log }) => {
    const runs = await dispatchEvents(db, consumers(), { batchSize: deps.batchSize });
    const summary: Record<string, unknown> = {};
    let hadWork = false;
    let held = false;
    const failures: { consumer: string; error: unknown }[] = [];
    for (const run of runs) {
      if (run.status === 'done') {
        summary[run.consumer] = { scanned: run.scanned, handled: run.handled };
        hadWork ||= run.scanned > 0;
        held ||= run.held === true;
      } else if (run.status === 'failed') {
        summary[run.consumer] = 'failed';
        failures.push(run);
        log.error('event consumer failed; its cursor stays', { consumer: run.consumer, err: run.error });
      } else {
        summary[run.consumer] = 'busy';
      }
    }
    // More may be waiting (a full batch, events the consumers just emitted): go again now rather than
    // at the next tick. The queue is stately, so at most one such job waits.
    if (hadWork) await jobSender(db)(QUEUE_NAMES.dispatchEvents, {}, { singletonKey: 'events.dispatch' });
    // Events committed while an older transaction still runs wait for it to end (the horizon keeps a late
    // commit from being skipped): look again in a second rather than at the next tick, a minute away.
    else if (held)
      await jobSender(db)(QUEUE_NAMES.dispatchEvents, {}, { singletonKey: 'events.dispatch', startAfter: 1 });
    if (hadWork) log.info('domain events dispatched', summary);
    if (failures.length) {
      throw new AggregateError(
        failures.map((failure) => failure.error),
        `Event consumer(s) failed: ${failures.map((failure) => failure.consumer).join(', ')}`,
      );
    }
    return { consumers: summary };
  };
}

export const dispatchEventsJob = dispatchEventsHandler();
