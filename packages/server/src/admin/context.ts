// Who runs an administrative operation, and the transaction it runs in. Every operation of
// src/admin runs in one transaction that first sets the settings the audit triggers read
// (supabase/migrations/20261121010200_audit.sql, private.audit_actor() / private.write_audit()):
//
// - `coko.actor_id`: a user id (uuid). The trigger ignores anything that is not a uuid, so it is set
//   only when the operator is known as a Coko user (`COKO_ACTOR=<user id|email>` for the CLI).
// - `coko.user_agent`: always set, to `coko-cli (cli:<OS user>)` for the CLI: the audit row says who
//   ran the command even when no Coko user is named.
// - `coko.ip`: optional.
// - `coko.actor`: the same label, informational (not read by the triggers; visible to other triggers
//   and to `current_setting` while the transaction runs).
import os from 'node:os';
import type { Queryable } from '../db/pool.ts';
import { rows, sqlState } from '../db/rows.ts';
import { type Database, withTransaction } from '../db/transaction.ts';

export interface Actor {
  /** Label of who acts, e.g. `cli:alice` (recorded as the audit entry's user agent). */
  label: string;
  /** The Coko user (auth.users.id) acting, when known: the audit entry's actor_id. */
  userId?: string | null | undefined;
  /** The client IP, when there is one. */
  ip?: string | null | undefined;
  /** User agent to record; default `coko-admin (<label>)`. */
  userAgent?: string | undefined;
}

/** What every admin operation needs: a database (a pool, or one client) and who acts. */
export interface AdminContext {
  db: Database;
  actor: Actor;
}

/** A refusal an operator can act on (unknown partner, bad role…): the CLI prints it and exits 1. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly code:
      | 'unknown_partner'
      | 'unknown_key'
      | 'unknown_user'
      | 'unknown_order'
      | 'invalid_input'
      | 'key_revoked'
      | 'key_expired'
      | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

/** The CLI's actor: the OS user (`cli:<username>`). */
export function cliActor(userId?: string | null): Actor {
  let username = process.env.USER || process.env.USERNAME || 'unknown';
  try {
    username = os.userInfo().username || username;
  } catch {
    // No passwd entry (some containers): keep the environment's name.
  }
  return { label: `cli:${username}`, userId: userId ?? null, userAgent: `coko-cli (cli:${username})` };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Runs `fn` in one transaction with the audit settings of `ctx.actor` set (`set_config(…, true)`:
 * local to the transaction, so a pooled connection never carries them further).
 */
export async function withAdmin<T>(ctx: AdminContext, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const { actor } = ctx;
  if (actor.userId != null && !isUuid(actor.userId)) {
    throw new AdminError('invalid_input', `The actor's user id must be a uuid; got ${JSON.stringify(actor.userId)}`);
  }
  return withTransaction(ctx.db, async (tx) => {
    await tx.query(
      `select set_config('coko.actor_id', $1, true), set_config('coko.actor', $2, true),
              set_config('coko.user_agent', $3, true), set_config('coko.ip', $4, true)`,
      [
        actor.userId ?? '',
        actor.label,
        (actor.userAgent ?? `coko-admin (${actor.label})`).slice(0, 512),
        actor.ip ?? '',
      ],
    );
    try {
      return await fn(tx);
    } catch (error) {
      throw translate(error);
    }
  });
}

/** Constraint violations as operator-readable errors. */
function translate(error: unknown): unknown {
  const state = sqlState(error);
  const constraint = (error as { constraint?: string } | null)?.constraint;
  if (state === '23505' && constraint === 'partners_slug_key') {
    return new AdminError('conflict', 'A partner with this slug already exists (choose another with --slug)');
  }
  if (state === '23514' && constraint) {
    const messages: Record<string, string> = {
      partners_name_length: 'The name must be 1 to 200 characters',
      partners_slug_format: 'The slug must be lower-case letters and digits joined by hyphens (at most 100 characters)',
      partners_allowed_origins_format: 'Each origin must be scheme://host[:port] (http or https, no path), or *',
      partners_default_country_format: 'The country must be an ISO 3166-1 alpha-2 code such as SN',
      partners_default_language_format:
        'The language must be an ISO 639-1 code with an optional region, such as fr or fr-SN',
      partners_webhook_url_format: 'The webhook URL must be an http(s) URL',
      partner_keys_label_length: 'The label must be at most 200 characters',
    };
    const message = messages[constraint];
    if (message) return new AdminError('invalid_input', message);
  }
  return error;
}

/** The user an operator names by id or email (case-insensitive), or an {@link AdminError}. */
export async function resolveUser(db: Queryable, idOrEmail: string): Promise<{ id: string; email: string | null }> {
  const value = idOrEmail.trim();
  if (!isUuid(value) && !value.includes('@')) {
    throw new AdminError('invalid_input', `Name the user by id (a uuid) or email; got ${JSON.stringify(value)}`);
  }
  const found = isUuid(value)
    ? await rows<{ id: string; email: string | null }>(db, 'select id, email from auth.users where id = $1', [value])
    : await rows<{ id: string; email: string | null }>(
        db,
        'select id, email from auth.users where lower(email) = lower($1) order by created_at limit 2',
        [value],
      );
  if (found.length === 0)
    throw new AdminError('unknown_user', `No user with ${isUuid(value) ? 'id' : 'email'} ${value}`);
  if (found.length > 1) throw new AdminError('conflict', `Several users have the email ${value}; name the user by id`);
  return found[0] as { id: string; email: string | null };
}
