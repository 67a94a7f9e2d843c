// The `account` section of the GDPR export: the auth user (minimal fields), profile, consent history,
// roles, partner mappings and account state. Rows are exported whole (`to_jsonb`), so columns added later
// are exported without touching this file.
import type { Queryable } from '../db/pool.ts';
import type { Exporter } from './registry.ts';

async function all(db: Queryable, text: string, userId: string): Promise<unknown[]> {
  const result = await db.query(text, [userId]);
  return (result.rows as { row: unknown }[]).map((r) => r.row);
}

export const accountExporter: Exporter = {
  name: 'account',
  tables: [
    'public.profiles',
    'public.consents',
    'public.user_roles',
    'private.partner_users',
    'private.account_states',
  ],
  async export(db, userId) {
    const [user] = await all(
      db,
      `select jsonb_build_object(
                'id', u.id, 'email', u.email, 'phone', u.phone,
                'emailConfirmedAt', u.email_confirmed_at, 'phoneConfirmedAt', u.phone_confirmed_at,
                'lastSignInAt', u.last_sign_in_at, 'createdAt', u.created_at, 'updatedAt', u.updated_at,
                'userMetadata', coalesce(u.raw_user_meta_data, '{}'::jsonb),
                'appMetadata', coalesce(u.raw_app_meta_data, '{}'::jsonb)) as row
         from auth.users u where u.id = $1`,
      userId,
    );
    const [profile] = await all(db, 'select to_jsonb(p) as row from public.profiles p where p.id = $1', userId);
    const consents = await all(
      db,
      'select to_jsonb(c) as row from public.consents c where c.user_id = $1 order by c.created_at, c.id',
      userId,
    );
    const roles = await all(
      db,
      `select jsonb_build_object('role', r.role, 'grantedAt', r.created_at) as row
         from public.user_roles r where r.user_id = $1 order by r.created_at`,
      userId,
    );
    const partners = await all(
      db,
      `select jsonb_build_object(
                'partner', jsonb_build_object('id', p.id, 'name', p.name, 'slug', p.slug),
                'externalUserId', pu.external_user_id, 'createdAt', pu.created_at) as row
         from private.partner_users pu join private.partners p on p.id = pu.partner_id
        where pu.user_id = $1 order by pu.created_at`,
      userId,
    );
    const [state] = await all(
      db,
      'select to_jsonb(s) as row from private.account_states s where s.user_id = $1',
      userId,
    );
    return { user: user ?? null, profile: profile ?? null, consents, roles, partners, accountState: state ?? null };
  },
};
