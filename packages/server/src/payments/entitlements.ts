import type { Entitlement } from '../../../sdk/src/payments/types.ts';
import type { Queryable } from '../db/pool.ts';

export type { Entitlement };

interface EntitlementRow {
  id: string;
  book_id: string | null;
  plan_id: string | null;
  order_id: string | null;
  valid_from: Date;
  valid_until: Date | null;
  revoked_at: Date | null;
}

/** The reader's entitlements, newest first: active ones only unless `all` (revoked and lapsed ones too). */
export async function listEntitlements(
  db: Queryable,
  userId: string,
  options: { all: boolean; now: Date },
): Promise<Entitlement[]> {
  const { rows } = await db.query(
    `select id, book_id, plan_id, order_id, valid_from, valid_until, revoked_at
     from public.entitlements
     where user_id = $1
       and ($2 or (revoked_at is null and valid_from <= $3 and (valid_until is null or valid_until > $3)))
     order by created_at desc, id desc`,
    [userId, options.all, options.now],
  );
  return (rows as EntitlementRow[]).map((row) => ({
    id: row.id,
    bookId: row.book_id,
    planId: row.plan_id,
    orderId: row.order_id,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  }));
}
