// Runs SQL AS a signed-in user, the way PostgREST does: role `authenticated` and the token's claims set
// for one transaction, so Row Level Security, `public.authorize()` and the audit log's actor see the same
// user the API authenticated. Routes that write on a user's behalf use this rather than the pool's
// owner role, so the database's policies stay the single place that decides.
import type { Queryable } from './pool.ts';
import { type Database, withTransaction } from './transaction.ts';

export interface ActingUser {
  /** auth.users.id (the token's `sub`). */
  id: string;
  /** The verified token's claims (what PostgREST would put in `request.jwt.claims`). */
  claims: Record<string, unknown>;
}

export interface AsUserOptions {
  /** A read-only transaction (default false). */
  readOnly?: boolean;
}

/** Runs `fn` in one transaction as `user` (`authenticated` + their claims); commits when `fn` resolves. */
export async function asUser<T>(
  db: Database,
  user: ActingUser,
  fn: (tx: Queryable) => Promise<T>,
  options: AsUserOptions = {},
): Promise<T> {
  return withTransaction(db, async (tx) => {
    if (options.readOnly) await tx.query('set transaction read only');
    await tx.query(
      `select set_config('role', 'authenticated', true),
              set_config('request.jwt.claims', $1, true),
              set_config('request.jwt.claim.sub', $2, true),
              set_config('request.jwt.claim.role', 'authenticated', true)`,
      [JSON.stringify({ ...user.claims, sub: user.id, role: 'authenticated' }), user.id],
    );
    return fn(tx);
  });
}

/** Whether `user` holds `permission` (`resource:action`), as `public.authorize()` decides it in SQL. */
export async function hasPermission(db: Database, user: ActingUser, permission: string): Promise<boolean> {
  return asUser(
    db,
    user,
    async (tx) => {
      const { rows } = await tx.query('select public.authorize($1) as allowed', [permission]);
      return (rows[0] as { allowed: boolean }).allowed === true;
    },
    { readOnly: true },
  );
}
