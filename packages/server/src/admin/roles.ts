// Application role administration (what `coko roles …` runs). Grants live in public.user_roles,
// whose audit trigger records each grant and revocation (user_role.insert / user_role.delete) with
// the actor withAdmin() sets. Every signed-in user holds `user` implicitly, so only admin and
// moderator are granted.
import { rows } from '../db/rows.ts';
import { type AdminContext, AdminError, resolveUser, withAdmin } from './context.ts';

export const GRANTABLE_ROLES = ['admin', 'moderator'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

/** The role named on a command line, or an {@link AdminError}. */
export function parseRole(value: string | undefined): GrantableRole {
  const role = value?.trim().toLowerCase();
  if (role === 'admin' || role === 'moderator') return role;
  if (role === 'user')
    throw new AdminError('invalid_input', 'Every signed-in user has the user role already; grant admin or moderator');
  throw new AdminError('invalid_input', `Unknown role ${JSON.stringify(value ?? '')}: use admin or moderator`);
}

export interface RoleChange {
  user: { id: string; email: string | null };
  role: GrantableRole;
  /** False when nothing changed (already granted, or not held). */
  changed: boolean;
}

/** Grants `admin` or `moderator` to a user named by id or email (audited). */
export async function grantRole(ctx: AdminContext, userIdOrEmail: string, role: string): Promise<RoleChange> {
  const granted = parseRole(role);
  return withAdmin(ctx, async (tx) => {
    const user = await resolveUser(tx, userIdOrEmail);
    const inserted = await rows(
      tx,
      `insert into public.user_roles (user_id, role) values ($1, $2::public.app_role)
       on conflict (user_id, role) do nothing returning user_id`,
      [user.id, granted],
    );
    return { user, role: granted, changed: inserted.length > 0 };
  });
}

/** Revokes `admin` or `moderator` from a user named by id or email (audited). */
export async function revokeRole(ctx: AdminContext, userIdOrEmail: string, role: string): Promise<RoleChange> {
  const revoked = parseRole(role);
  return withAdmin(ctx, async (tx) => {
    const user = await resolveUser(tx, userIdOrEmail);
    const deleted = await rows(
      tx,
      'delete from public.user_roles where user_id = $1 and role = $2::public.app_role returning user_id',
      [user.id, revoked],
    );
    return { user, role: revoked, changed: deleted.length > 0 };
  });
}

export interface RoleGrant {
  userId: string;
  email: string | null;
  role: GrantableRole;
  grantedAt: Date;
}

/** Every admin and moderator grant (by role, then date). */
export async function listRoles(ctx: Pick<AdminContext, 'db'>): Promise<RoleGrant[]> {
  const found = await rows<{ user_id: string; email: string | null; role: GrantableRole; created_at: Date }>(
    ctx.db,
    `select ur.user_id, u.email, ur.role::text as role, ur.created_at
       from public.user_roles ur left join auth.users u on u.id = ur.user_id
      where ur.role <> 'user'
      order by ur.role, ur.created_at, ur.user_id`,
  );
  return found.map((row) => ({ userId: row.user_id, email: row.email, role: row.role, grantedAt: row.created_at }));
}
