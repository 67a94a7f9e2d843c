// Whether a user token may still be used: the API's twin of the database's PostgREST pre-request
// (private.check_request), so that a token refused by PostgREST is refused by the API too.
import type { Queryable } from '../db/pool.ts';
import { rows } from '../db/rows.ts';

export type SessionRefusalReason = 'unknown_user' | 'deleted' | 'revoked' | 'partner_suspended';

export interface SessionRefusal {
  reason: SessionRefusalReason;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `undefined` when the session may be used; otherwise why not: the user does not exist, the account is
 * (soft-)deleted, the token was issued (`iat`, seconds) before `sessions_revoked_at` (a token from the second
 * of the revocation too: `iat` has one-second resolution, so fail closed, as the database does), or the minting
 * partner (`app_metadata.partner_id`) is suspended or gone. One indexed lookup per table.
 */
export async function checkSession(
  db: Queryable,
  session: { userId: string; issuedAt: number; partnerId?: string | undefined },
): Promise<SessionRefusal | undefined> {
  if (session.partnerId !== undefined && !UUID.test(session.partnerId)) {
    return { reason: 'partner_suspended', message: 'The partner of this session is unknown' };
  }
  const [row] = await rows<{ user_exists: boolean; deleted: boolean; revoked: boolean; partner_active: boolean }>(
    db,
    `select u.id is not null as user_exists,
            s.deleted_at is not null as deleted,
            coalesce($2::numeric < ceil(extract(epoch from s.sessions_revoked_at)), false) as revoked,
            ($3::uuid is null or coalesce(p.status::text = 'active', false)) as partner_active
       from (select $1::uuid as id) me
       left join auth.users u on u.id = me.id
       left join private.account_states s on s.user_id = me.id
       left join private.partners p on p.id = $3::uuid`,
    [session.userId, session.issuedAt, session.partnerId ?? null],
  );
  if (!row?.user_exists) return { reason: 'unknown_user', message: 'The user of this session does not exist' };
  if (row.deleted) return { reason: 'deleted', message: 'This account has been deleted' };
  if (row.revoked) return { reason: 'revoked', message: 'This session has been revoked' };
  if (!row.partner_active) return { reason: 'partner_suspended', message: 'The partner of this session is suspended' };
  return undefined;
}
