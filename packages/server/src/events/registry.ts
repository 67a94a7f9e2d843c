// The consumers the dispatcher serves. Each consumer module exports its definition; the worker's
// handler list registers them explicitly (src/events/consumers.ts), so the set is visible in one place.
import type { EventConsumer } from './types.ts';

const NAME = /^[a-z][a-z0-9-]{0,59}$/;
const registered = new Map<string, EventConsumer>();

/**
 * Adds a consumer of the domain events. Registering the same definition twice is a no-op; two
 * definitions under one name are an error (they would share one cursor).
 *
 * @example
 * ```ts
 * registerEventConsumer({
 *   name: 'gamification',
 *   kinds: ['reading.session_finished', 'reading.book_finished'],
 *   async handle(events, tx) {
 *     for (const event of events) await tx.query('insert into public.points_ledger …', […])
 *   },
 * })
 * ```
 */
export function registerEventConsumer(consumer: EventConsumer): void {
  if (!NAME.test(consumer.name))
    throw new Error(`Event consumer name ${JSON.stringify(consumer.name)} must match ${NAME.source}`);
  if (consumer.kinds !== 'all' && consumer.kinds.length === 0)
    throw new Error(`Event consumer ${consumer.name} wants no kinds`);
  const existing = registered.get(consumer.name);
  if (existing && existing !== consumer) throw new Error(`Two event consumers are named ${consumer.name}`);
  registered.set(consumer.name, consumer);
}

/** The registered consumers, by name. */
export function eventConsumers(): EventConsumer[] {
  return [...registered.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Test helper: forgets a consumer. */
export function unregisterEventConsumer(name: string): void {
  registered.delete(name);
}
