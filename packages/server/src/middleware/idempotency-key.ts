import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app/env.ts';
import { ApiError } from '../app/errors.ts';
import type { Queryable } from '../db/pool.ts';

/** How long a key holds its response (the table is pruned past it; see jobs/handlers/payments-reconcile.ts). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000;
/**
 * A claim whose response never arrived (the process died mid-request) is taken over after this: longer than any
 * request may run (the API's timeout is 30 s), so a live request is never run twice.
 */
export const IDEMPOTENCY_ABANDONED_MS = 5 * 60_000;

/** 1–255 visible ASCII characters (what Stripe and the IETF draft allow). */
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

export interface IdempotencyKeyOptions<E extends AppEnv> {
  db: Queryable;
  /** Whose keys these are: `user:<id>` or `partner:<id>` (one caller's key never replays another's response). */
  scope: (c: Context<E>) => string;
  /** Wall clock (default `new Date()`). */
  now?: () => Date;
}

interface StoredKey {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Makes a POST safe to retry with an `Idempotency-Key` header (required): the first request with a key runs and
 * its response is stored in `private.idempotency_keys`; the same key with the same body replays that status and
 * body (`Idempotent-Replayed: true`); the same key with another body is 422 `UNPROCESSABLE`; a duplicate arriving
 * while the first still runs is 409 `CONFLICT` (retry later) — it never runs twice. A refusal (a thrown error,
 * which changed nothing) or a 5xx releases the key, so the client's retry is judged afresh.
 *
 * @example
 * ```ts
 * createRoute({ method: 'post', path: '/v1/checkout',
 *   middleware: [userAuth({ tokens, db }), idempotencyKey({ db, scope: (c) => `user:${c.var.user.id}` })], … })
 * ```
 */
export function idempotencyKey<E extends AppEnv>(options: IdempotencyKeyOptions<E>): MiddlewareHandler<E> {
  const { db, scope } = options;
  const now = options.now ?? (() => new Date());
  return async function idempotencyKey(c, next) {
    const key = c.req.header('idempotency-key');
    if (key === undefined || !KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'VALIDATION_ERROR', 'Send an Idempotency-Key header of 1–255 visible ASCII characters', {
        details: { header: 'Idempotency-Key' },
      });
    }
    const owner = scope(c);
    // The route and the exact body: a retry sends the same bytes; anything else is another request.
    const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
    const at = now();
    const claimed = await db.query(
      `insert into private.idempotency_keys as k (scope, key, request_hash, created_at)
       values ($1, $2, $3, $4)
       on conflict (scope, key) do update
         set request_hash = excluded.request_hash, response_status = null, response_body = null,
             created_at = excluded.created_at
         where k.created_at < $5 or (k.response_status is null and k.created_at < $6)
       returning 1`,
      [
        owner,
        key,
        requestHash,
        at,
        new Date(at.getTime() - IDEMPOTENCY_KEY_TTL_MS),
        new Date(at.getTime() - IDEMPOTENCY_ABANDONED_MS),
      ],
    );
    if (!claimed.rows.length) return replay(c, await storedKey(db, owner, key), requestHash);

    let stored = false;
    try {
      await next();
      const response = c.res;
      if (response.status < 500 && !c.error) {
        const body = await response.clone().json();
        await db.query(
          `update private.idempotency_keys set response_status = $3, response_body = $4
           where scope = $1 and key = $2`,
          [owner, key, response.status, JSON.stringify(body)],
        );
        stored = true;
      }
    } finally {
      if (!stored) await release(db, owner, key);
    }
  };
}

async function storedKey(db: Queryable, scope: string, key: string): Promise<StoredKey | undefined> {
  const { rows } = await db.query(
    'select request_hash, response_status, response_body from private.idempotency_keys where scope = $1 and key = $2',
    [scope, key],
  );
  return rows[0] as StoredKey | undefined;
}

function replay(c: Context, row: StoredKey | undefined, requestHash: string): Response {
  // Released between our insert and this read: the first request failed; the client retries as a new request.
  if (!row || row.response_status === null) {
    throw new ApiError(409, 'CONFLICT', 'A request with this Idempotency-Key is still being processed; retry shortly', {
      details: { reason: 'in_progress' },
      headers: { 'Retry-After': '1' },
    });
  }
  if (row.request_hash !== requestHash) {
    throw new ApiError(422, 'UNPROCESSABLE', 'This Idempotency-Key was already used with a different request', {
      details: { reason: 'key_reused' },
    });
  }
  return c.json(row.response_body, row.response_status as ContentfulStatusCode, { 'Idempotent-Replayed': 'true' });
}

async function release(db: Queryable, scope: string, key: string): Promise<void> {
  await db.query('delete from private.idempotency_keys where scope = $1 and key = $2 and response_status is null', [
    scope,
    key,
  ]);
}
