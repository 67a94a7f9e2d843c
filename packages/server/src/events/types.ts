import type pg from 'pg';

/** One row of the outbox (private.domain_events) as consumers receive it. */
export interface DomainEvent {
  /** Position in the log (a bigint, as a string). */
  id: string;
  /** `<domain>.<verb>`, e.g. `reading.book_finished` (docs/CONTRACT-engagement.md §1). */
  kind: string;
  /** The reader it is about; null for events about no reader. */
  userId: string | null;
  /** The reader's partner when it happened. */
  partnerId: string | null;
  /** The source row (session, book, review, order id…). */
  subjectId: string;
  dedupeKey: string;
  /** The facts, camelCase keys (per kind: see the contract). */
  payload: Record<string, unknown>;
  occurredAt: Date;
  createdAt: Date;
}

/**
 * A reader of the outbox with its own cursor. `handle` runs in the transaction that moves the cursor
 * past `events`: every write it makes through `tx` commits with the cursor (or neither does), so each
 * event is handled once per consumer. It must not write through another connection; a consumer that
 * sends jobs sends them through `tx` (jobSender(tx)) with singleton keys.
 */
export interface EventConsumer {
  /** Unique, `^[a-z][a-z0-9-]{0,59}$` (the cursor's key in private.event_cursors). */
  name: string;
  /** Kinds it wants; `'all'` for every kind. Other events move its cursor without reaching `handle`. */
  kinds: readonly string[] | 'all';
  /** Handles a batch (≤ the dispatcher's batch size, in (transaction, id) order, never empty). Throw to retry it later. */
  handle(events: DomainEvent[], tx: pg.PoolClient): Promise<void>;
}
