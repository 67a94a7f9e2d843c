import type { Queryable } from '../db/pool.ts';

/** One request for a concurrency slot. */
export interface SlotRequest {
  /** Policy and client, e.g. `downloads_concurrent:user:<uuid>`. */
  bucket: string;
  /** The policy name (partner overrides: `private.partners.rate_limits`). */
  policy: string;
  /** Default number of slots. */
  limit: number;
  /** A slot never released (a crashed process) frees itself after this. */
  ttlMs: number;
  partnerId?: string | undefined;
}

export interface SlotDecision {
  /** The slot's id when one was free; release it when the work ends. */
  slot: string | undefined;
  limit: number;
  /** Slots held in the bucket (this one included). */
  held: number;
  /** When all are held: when the soonest held slot expires at the latest (ms). */
  nextFreeAt: number | undefined;
}

/** Concurrency leases every instance shares. */
export interface SlotStore {
  acquire(request: SlotRequest, now: number): Promise<SlotDecision>;
  release(slot: string): Promise<void>;
}

/**
 * Concurrency slots in Postgres (`private.acquire_rate_limit_slot`): one round trip to take a slot and one to
 * release it, so use it for rare, heavy requests (downloads), not on every request.
 *
 * @example
 * ```ts
 * const slots = new PostgresSlotStore(pool)
 * const { slot } = await slots.acquire({ bucket: `downloads_concurrent:user:${id}`, policy: 'downloads_concurrent', limit: 3, ttlMs: 600_000 }, Date.now())
 * if (slot) try { … } finally { await slots.release(slot) }
 * ```
 */
export class PostgresSlotStore implements SlotStore {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async acquire(request: SlotRequest, now: number): Promise<SlotDecision> {
    const { rows } = await this.#db.query(
      'select slot, held, limit_value, next_free_at from private.acquire_rate_limit_slot($1, $2, $3, $4, $5, $6)',
      [
        request.bucket,
        request.policy,
        request.partnerId ?? null,
        request.limit,
        Math.max(1, Math.ceil(request.ttlMs / 1000)),
        new Date(now),
      ],
    );
    const row = rows[0] as { slot: string | null; held: number; limit_value: number; next_free_at: Date | null };
    return {
      slot: row.slot ?? undefined,
      limit: row.limit_value,
      held: row.held,
      nextFreeAt: row.slot ? undefined : row.next_free_at?.getTime(),
    };
  }

  async release(slot: string): Promise<void> {
    await this.#db.query('select private.release_rate_limit_slot($1)', [slot]);
  }
}

/** Slots in this process's memory (unit tests, single-process tools). */
export class MemorySlotStore implements SlotStore {
  readonly #slots = new Map<string, { bucket: string; expiresAt: number }>();

  async acquire(request: SlotRequest, now: number): Promise<SlotDecision> {
    let held = 0;
    let soonest: number | undefined;
    for (const [id, slot] of this.#slots) {
      if (slot.expiresAt <= now) this.#slots.delete(id);
      else if (slot.bucket === request.bucket) {
        held += 1;
        soonest = Math.min(soonest ?? slot.expiresAt, slot.expiresAt);
      }
    }
    if (held >= request.limit) return { slot: undefined, limit: request.limit, held, nextFreeAt: soonest };
    const id = crypto.randomUUID();
    this.#slots.set(id, { bucket: request.bucket, expiresAt: now + request.ttlMs });
    return { slot: id, limit: request.limit, held: held + 1, nextFreeAt: undefined };
  }

  async release(slot: string): Promise<void> {
    this.#slots.delete(slot);
  }
}
