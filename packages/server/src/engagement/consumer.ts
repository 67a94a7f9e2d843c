// The `gamification` consumer of the domain events outbox (docs/CONTRACT-engagement.md §1–2): a thin
// call of private.gamification_apply(from, to), where the rules live as data (point_rules, badges,
// challenges) and each event is handled once even if a batch is delivered twice. The dispatcher (owner
// `events`, packages/server/src/events/) runs `handle` in the transaction that moves this consumer's
// cursor, so the points and the cursor commit together.
//
// Registration: `registerEventConsumer(gamificationConsumer)` from packages/server/src/events/ once
// that module exists (the integrator wires it when merging the `events` branch).

/** The kinds this consumer reads; badge.earned, challenge.completed and level.reached are its own output. */
export const GAMIFICATION_EVENT_KINDS = [
  'reading.session_finished',
  'reading.book_finished',
  'review.created',
  'order.paid',
] as const;

/** What the consumer needs of a dispatched event. */
export interface DispatchedEvent {
  id: number | string | bigint;
}

/** What the consumer needs of the dispatcher's transaction. */
export interface ConsumerTransaction {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface GamificationResult {
  handled: number;
  rejected: number;
  readers: number;
}

export const gamificationConsumer = {
  name: 'gamification',
  kinds: GAMIFICATION_EVENT_KINDS,
  /** Applies the point rules, streaks, badges and challenges to one batch (ids ascending). */
  async handle(events: readonly DispatchedEvent[], tx: ConsumerTransaction): Promise<GamificationResult> {
    if (events.length === 0) return { handled: 0, rejected: 0, readers: 0 };
    // Ascending (the dispatcher's order already; sorted so a caller's order never matters).
    const ids = events.map((event) => BigInt(event.id)).sort((a, b) => Number(a - b));
    const first = ids[0]!;
    const last = ids[ids.length - 1]!;
    // The range is (first - 1, last]: kinds this consumer does not read in between are skipped by the
    // function, and events it already handled are skipped too (private.gamification_processed).
    const { rows } = await tx.query('select private.gamification_apply($1::bigint, $2::bigint) as result', [
      (first - 1n).toString(),
      last.toString(),
    ]);
    return (rows[0] as { result: GamificationResult }).result;
  },
};
