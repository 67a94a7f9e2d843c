// The dispatcher: moves each consumer's cursor through the outbox, one batch per call, with the
// consumer's work in the same transaction as the cursor move.
//
// Read order: (tx_id, id), and only events of transactions older than every transaction still
// running (pg_snapshot_xmin). Identity ids are taken at insert, not at commit, so "after id N" alone
// would skip an id N-1 committed later; transactions older than the snapshot's xmin are all finished,
// so the events below that horizon never change and the cursor never passes one it did not see.
import type pg from 'pg';
import type { DomainEvent, EventConsumer } from './types.ts';

/** Largest batch a consumer receives (docs/CONTRACT-engagement.md §1). */
export const EVENT_BATCH_SIZE = 500;

export type ConsumerRun =
  /** Another worker holds this consumer's cursor: it is processing the same events. */
  | { consumer: string; status: 'busy' }
  /** `scanned` events read past the cursor; `handled` of them had a wanted kind. */
  | {
      consumer: string;
      status: 'done';
      scanned: number;
      handled: number;
      full: boolean;
      /** Committed events are waiting for an older transaction still running (anywhere in the cluster). */
      held?: boolean;
    }
  /** `handle` threw: nothing committed, the cursor stays (the same batch is offered next time). */
  | { consumer: string; status: 'failed'; error: unknown };

interface EventRow {
  id: string;
  tx_id: string;
  kind: string;
  user_id: string | null;
  partner_id: string | null;
  subject_id: string;
  dedupe_key: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  created_at: Date;
}

/**
 * Offers one consumer its next batch: locks its cursor row (`for update skip locked`: a second worker
 * skips the consumer rather than wait and handle the same batch), reads up to `batchSize` events past
 * it, calls `handle` with the wanted ones, moves the cursor past all of them, and commits.
 */
export async function dispatchConsumer(
  db: pg.Pool,
  consumer: EventConsumer,
  { batchSize = EVENT_BATCH_SIZE }: { batchSize?: number } = {},
): Promise<ConsumerRun> {
  await db.query('insert into private.event_cursors (consumer) values ($1) on conflict (consumer) do nothing', [
    consumer.name,
  ]);
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    try {
      const { rows: cursors } = await client.query<{ last_tx_id: string; last_id: string }>(
        `select last_tx_id::text, last_id::text from private.event_cursors
          where consumer = $1 for update skip locked`,
        [consumer.name],
      );
      const cursor = cursors[0];
      if (!cursor) {
        await client.query('rollback');
        return { consumer: consumer.name, status: 'busy' };
      }
      const { rows } = await client.query<EventRow>(
        `select e.id::text, e.tx_id::text, e.kind, e.user_id, e.partner_id, e.subject_id, e.dedupe_key,
                e.payload, e.occurred_at, e.created_at
           from private.domain_events e
          where (e.tx_id, e.id) > ($1::xid8, $2::bigint)
            and e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
          order by e.tx_id, e.id
          limit $3`,
        [cursor.last_tx_id, cursor.last_id, batchSize],
      );
      const last = rows.at(-1);
      if (!last) {
        // Nothing below the horizon; say whether committed events wait above it, so the caller can come
        // back in a moment rather than at the next tick.
        const { rows: held } = await client.query<{ held: boolean }>(
          `select exists (
             select 1 from private.domain_events e
              where (e.tx_id, e.id) > ($1::xid8, $2::bigint)
                and e.tx_id >= pg_snapshot_xmin(pg_current_snapshot())
           ) as held`,
          [cursor.last_tx_id, cursor.last_id],
        );
        await client.query('rollback');
        return { consumer: consumer.name, status: 'done', scanned: 0, handled: 0, full: false, held: held[0]?.held };
      }
      const wanted = rows.filter((row) => consumer.kinds === 'all' || consumer.kinds.includes(row.kind)).map(toEvent);
      if (wanted.length) await consumer.handle(wanted, client);
      await client.query(
        `update private.event_cursors set last_tx_id = $2::xid8, last_id = $3::bigint, updated_at = now()
          where consumer = $1`,
        [consumer.name, last.tx_id, last.id],
      );
      await client.query('commit');
      return {
        consumer: consumer.name,
        status: 'done',
        scanned: rows.length,
        handled: wanted.length,
        full: rows.length === batchSize,
      };
    } catch (error) {
      await client.query('rollback').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      return { consumer: consumer.name, status: 'failed', error };
    }
  } finally {
    // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
    client.release(broken);
  }
}

/** One batch for each consumer, one after the other (a failing consumer does not stop the others). */
export async function dispatchEvents(
  db: pg.Pool,
  consumers: readonly EventConsumer[],
  options: { batchSize?: number } = {},
): Promise<ConsumerRun[]> {
  const runs: ConsumerRun[] = [];
  for (const consumer of consumers) runs.push(await dispatchConsumer(db, consumer, options));
  return runs;
}

function toEvent(row: EventRow): DomainEvent {
  return {
    id: row.id,
    kind: row.kind,
    userId: row.user_id,
    partnerId: row.partner_id,
    subjectId: row.subject_id,
    dedupeKey: row.dedupe_key,
    payload: row.payload,
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
  };
}
