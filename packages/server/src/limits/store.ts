import type { Queryable } from '../db/pool.ts';

/** One request to count against a policy for one client. */
export interface RateLimitHit {
  /** Policy and client, e.g. `authenticated:user:<uuid>` (≤ 300 characters). */
  bucket: string;
  /** The policy name, the key of a partner's override (`private.partners.rate_limits`). */
  policy: string;
  /** Default limit per window (a partner's override replaces it). */
  limit: number;
  windowMs: number;
  /** The client's partner, whose override applies. */
  partnerId?: string | undefined;
}

/** The verdict for one request. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The limit applied (a partner's override, else the default). */
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** When the window closes (ms since the epoch). */
  resetAt: number;
}

/** Where counters live; every instance of the API and the gateway must share it. */
export interface RateLimitStore {
  /** Counts one request of `hit` at `now` (ms) and says whether it is allowed. */
  take(hit: RateLimitHit, now: number): Promise<RateLimitDecision>;
}

export interface PostgresRateLimitStoreOptions {
  /**
   * How many requests one lease takes from the shared counter (default `max(1, floor(limit / 50))`: 1 for
   * 5/min, 2 for 100/h, 20 for 1000/h). 1 is exact; more saves round trips.
   */
  leaseSize?: (limit: number) => number;
  /** Most buckets kept in memory (default 10 000; the oldest go first, their unused lease with them). */
  maxBuckets?: number;
  /** Closed windows are deleted at most this often (default 10 min). */
  pruneEveryMs?: number;
  /**
   * Only windows and slots that ended this long before our clock are deleted (default 1 h): a process whose
   * clock runs ahead of the others' must not delete what they still count in.
   */
  pruneGraceMs?: number;
  /** After a database failure, requests are let through without asking for this long (default 1 s). */
  failOpenMs?: number;
  /** Told about database failures (the request is let through). */
  onError?: (error: unknown) => void;
}

interface Lease {
  limit: number;
  /** The shared count after our last lease (leases of every process included). */
  used: number;
  /** Requests of our lease not served yet. */
  left: number;
  resetAt: number;
  /** The shared counter refused: nothing more until `resetAt`, without asking again. */
  exhausted: boolean;
  pending?: Promise<void> | undefined;
}

/**
 * Counts in Postgres (`private.take_rate_limit`), shared by every process, leasing quota in chunks so that
 * most requests need no round trip: a process takes `leaseSize` requests of a bucket's window at once and
 * serves them from memory; when the shared counter is spent, the bucket is refused locally until its window
 * closes (a flood over the limit costs no database work). A lease of several requests is renewed ahead, as
 * its last request is served, so a client's next request does not wait for the database either. The total
 * granted never exceeds the limit; a lease left unused by one process is lost to the others until the
 * window closes (at most `2 × leaseSize - 1` per process and bucket, 3 of 100/h). Fails open on database
 * errors: a limiter outage must not become an API outage.
 *
 * @example
 * ```ts
 * const store = new PostgresRateLimitStore(pool)
 * await store.take({ bucket: 'anonymous:ip:203.0.113.7', policy: 'anonymous', limit: 100, windowMs: 3_600_000 }, Date.now())
 * ```
 */
export class PostgresRateLimitStore implements RateLimitStore {
  readonly #db: Queryable;
  readonly #leases = new Map<string, Lease>();
  readonly #leaseSize: (limit: number) => number;
  readonly #maxBuckets: number;
  readonly #pruneEveryMs: number;
  readonly #pruneGraceMs: number;
  readonly #failOpenMs: number;
  readonly #onError: (error: unknown) => void;
  #nextPrune = 0;
  #failedUntil = 0;
  /** Round trips made (tests, metrics). */
  roundTrips = 0;

  constructor(db: Queryable, options: PostgresRateLimitStoreOptions = {}) {
    this.#db = db;
    this.#leaseSize = options.leaseSize ?? ((limit) => Math.max(1, Math.floor(limit / 50)));
    this.#maxBuckets = options.maxBuckets ?? 10_000;
    this.#pruneEveryMs = options.pruneEveryMs ?? 600_000;
    this.#pruneGraceMs = options.pruneGraceMs ?? 3_600_000;
    this.#failOpenMs = options.failOpenMs ?? 1_000;
    this.#onError = options.onError ?? (() => {});
  }

  async take(hit: RateLimitHit, now: number): Promise<RateLimitDecision> {
    for (;;) {
      let lease = this.#leases.get(hit.bucket);
      if (lease && lease.resetAt <= now && !lease.pending) {
        this.#leases.delete(hit.bucket);
        lease = undefined;
      }
      if (lease?.pending) {
        await lease.pending;
        continue;
      }
      if (lease && lease.left > 0) {
        lease.left -= 1;
        const decision = { allowed: true, limit: lease.limit, remaining: remainingOf(lease), resetAt: lease.resetAt };
        if (lease.left === 0) this.#leaseAhead(hit, now, lease);
        return decision;
      }
      if (lease?.exhausted) return { allowed: false, limit: lease.limit, remaining: 0, resetAt: lease.resetAt };
      if (now < this.#failedUntil) return { allowed: true, limit: hit.limit, remaining: hit.limit, resetAt: now };
      const pending = this.#lease(hit, now);
      const placeholder: Lease = lease ?? { limit: hit.limit, used: 0, left: 0, resetAt: now, exhausted: false };
      placeholder.pending = pending;
      this.#remember(hit.bucket, placeholder);
      try {
        await pending;
      } catch (error) {
        this.#leases.delete(hit.bucket);
        this.#failedUntil = now + this.#failOpenMs;
        this.#onError(error);
        return { allowed: true, limit: hit.limit, remaining: hit.limit, resetAt: now };
      } finally {
        placeholder.pending = undefined;
      }
    }
  }

  /**
   * Asks for the bucket's next lease as the last request of this one is served, so that the client's next
   * request finds it in memory instead of waiting for the database. Only for leases of more than one
   * request (a lease of 1 is how small limits stay exact), and only while the shared counter has room:
   * a spent window is refused by the next request's own round trip, as before.
   */
  #leaseAhead(hit: RateLimitHit, now: number, lease: Lease): void {
    if (lease.exhausted || lease.used >= lease.limit || lease.resetAt <= now) return;
    if (this.#leaseSize(hit.limit) < 2 || now < this.#failedUntil) return;
    // On failure the spent lease stays: the next request asks again in the foreground, where a failure
    // lets it through (fail open).
    lease.pending = this.#lease(hit, now)
      .catch(this.#onError)
      .finally(() => {
        lease.pending = undefined;
      });
  }

  async #lease(hit: RateLimitHit, now: number): Promise<void> {
    this.#maybePrune(now);
    this.roundTrips += 1;
    const { rows } = await this.#db.query(
      'select granted, used, limit_value, window_end from private.take_rate_limit($1, $2, $3, $4, $5, $6, $7)',
      [
        hit.bucket,
        hit.policy,
        hit.partnerId ?? null,
        hit.limit,
        Math.max(1, Math.ceil(hit.windowMs / 1000)),
        Math.max(1, this.#leaseSize(hit.limit)),
        new Date(now),
      ],
    );
    const row = rows[0] as { granted: number; used: number; limit_value: number; window_end: Date };
    const lease: Lease = {
      limit: row.limit_value,
      used: row.used,
      left: row.granted,
      resetAt: row.window_end.getTime(),
      exhausted: row.granted === 0,
    };
    this.#remember(hit.bucket, lease);
  }

  #remember(bucket: string, lease: Lease): void {
    this.#leases.delete(bucket);
    this.#leases.set(bucket, lease);
    if (this.#leases.size > this.#maxBuckets) {
      for (const [key, old] of this.#leases) {
        if (!old.pending) {
          this.#leases.delete(key);
          break;
        }
      }
    }
  }

  #maybePrune(now: number): void {
    if (now < this.#nextPrune) return;
    this.#nextPrune = now + this.#pruneEveryMs;
    this.#db.query('select private.prune_rate_limits($1)', [new Date(now - this.#pruneGraceMs)]).catch(this.#onError);
  }
}

function remainingOf(lease: Lease): number {
  return Math.max(0, lease.limit - lease.used) + lease.left;
}

/**
 * Fixed windows in this process's memory, opened by each bucket's first request: exact for one process, but
 * not shared. For unit tests and single-process tools; servers use {@link PostgresRateLimitStore}.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  #nextSweep = 0;

  async take(hit: RateLimitHit, now: number): Promise<RateLimitDecision> {
    if (now >= this.#nextSweep) {
      for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
      this.#nextSweep = now + hit.windowMs;
    }
    let window = this.#windows.get(hit.bucket);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + hit.windowMs };
      this.#windows.set(hit.bucket, window);
    }
    const allowed = window.count < hit.limit;
    if (allowed) window.count += 1;
    return { allowed, limit: hit.limit, remaining: hit.limit - window.count, resetAt: window.resetAt };
  }

  /** Number of live windows (tests, metrics). */
  get size(): number {
    return this.#windows.size;
  }
}
