// The Coko user a partner's user maps to: one auth.users row per (partner, external user id), found through
// private.partner_users, created on the first session and kept up to date on later ones, in one transaction.
// Its public.profiles row is created by the database trigger on auth.users; the session fills it in.
import type { SessionUser as PublicSessionUser } from '../../../sdk/src/server/index.ts';
import type { Queryable } from '../db/pool.ts';
import { rows, sqlState } from '../db/rows.ts';
import { type Database, withTransaction } from '../db/transaction.ts';
import type { Partner } from './partners.ts';
import { PARTNER_PROVIDER } from './tokens.ts';

/** What a partner says about its user (validated by the route). */
export interface PartnerUserInput {
  externalUserId: string;
  email?: string | undefined;
  /** E.164 (`+2250700000000`). */
  phone?: string | undefined;
  name?: string | undefined;
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string | undefined;
  language?: string | undefined;
}

/**
 * The mapped Coko user, as `POST /v1/sessions` returns it (the SDK's public `SessionUser`; `phone` is E.164
 * with `+`, while auth.users stores it without, as Supabase Auth does).
 */
export interface SessionUser extends PublicSessionUser {
  /** True when this call created the user. */
  created: boolean;
  /** `auth.users.phone` as stored (the token's `phone` claim). */
  storedPhone: string | null;
}

/** The account was deleted by its owner (soft delete, anonymised later): no new sessions. */
export class AccountDeletedError extends Error {
  override readonly name = 'AccountDeletedError';
  constructor(readonly userId: string) {
    super('This account has been deleted');
  }
}

/** Supabase Auth's instance id for single-tenant projects. */
const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';

interface ExistingRow {
  user_id: string;
  email: string | null;
  phone: string | null;
  raw_user_meta_data: Record<string, unknown> | null;
  raw_app_meta_data: Record<string, unknown> | null;
  deleted: boolean;
}

interface ProfileRow {
  display_name: string | null;
  country: string | null;
  language: string | null;
}

/**
 * Finds or creates the Coko user for `(partner, input.externalUserId)` and applies what the partner sent
 * (email, phone, name, country, language; omitted fields keep their values; country and language of a new
 * user default to the partner's). Refuses soft-deleted accounts with {@link AccountDeletedError}.
 *
 * Partner users are stored with `is_sso_user = true`, as Supabase Auth stores users of external identity
 * providers: their (unverified, partner-asserted) email is then neither unique across partners nor usable to
 * sign in through Supabase Auth. `auth.users.phone` is unique: a phone already held by another user is kept
 * in `raw_user_meta_data.phone` only.
 */
export async function upsertPartnerUser(db: Database, partner: Partner, input: PartnerUserInput): Promise<SessionUser> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(db, (tx) => upsertOnce(tx, partner, input));
    } catch (error) {
      // Two first sessions for the same user raced, or a phone was taken meanwhile: the retry sees the winner.
      if (sqlState(error) === '23505' && attempt < 3) continue;
      throw error;
    }
  }
}

async function upsertOnce(tx: Queryable, partner: Partner, input: PartnerUserInput): Promise<SessionUser> {
  const email = input.email?.toLowerCase();
  const phone = input.phone?.replace(/^\+/, '');
  const [existing] = await rows<ExistingRow>(
    tx,
    `select pu.user_id, u.email, u.phone, u.raw_user_meta_data, u.raw_app_meta_data,
            (s.deleted_at is not null or p.deleted_at is not null) as deleted
       from private.partner_users pu
       join auth.users u on u.id = pu.user_id
       left join private.account_states s on s.user_id = pu.user_id
       left join public.profiles p on p.id = pu.user_id
      where pu.partner_id = $1 and pu.external_user_id = $2
      for update of pu`,
    [partner.id, input.externalUserId],
  );
  if (existing?.deleted) throw new AccountDeletedError(existing.user_id);

  const userMeta: Record<string, unknown> = {};
  if (input.name !== undefined) userMeta.name = input.name;
  if (phone !== undefined) userMeta.phone = `+${phone}`;
  const appMeta = { provider: PARTNER_PROVIDER, providers: [PARTNER_PROVIDER], partner_id: partner.id };

  let userId: string;
  let storedEmail: string | null;
  let storedPhone: string | null;
  let metaPhone: string | null;
  if (!existing) {
    const [created] = await rows<{ id: string; email: string | null; phone: string | null }>(
      tx,
      `insert into auth.users (instance_id, id, aud, role, email, phone, raw_app_meta_data, raw_user_meta_data,
                               is_sso_user, is_anonymous, created_at, updated_at)
       values ($1, gen_random_uuid(), 'authenticated', 'authenticated', $2,
               case when $3::text is not null and not exists (select 1 from auth.users where phone = $3::text) then $3::text end,
               $4::jsonb, $5::jsonb, true, false, now(), now())
       returning id, email, phone`,
      [INSTANCE_ID, email ?? null, phone ?? null, JSON.stringify(appMeta), JSON.stringify(userMeta)],
    );
    userId = (created as { id: string }).id;
    storedEmail = created?.email ?? null;
    storedPhone = created?.phone ?? null;
    metaPhone = phone !== undefined ? `+${phone}` : null;
    await tx.query('insert into private.partner_users (partner_id, external_user_id, user_id) values ($1, $2, $3)', [
      partner.id,
      input.externalUserId,
      userId,
    ]);
  } else {
    userId = existing.user_id;
    const currentMeta = existing.raw_user_meta_data ?? {};
    const nextEmail = email !== undefined ? email : existing.email;
    const metaChanged = Object.entries(userMeta).some(([key, value]) => currentMeta[key] !== value);
    const appChanged = Object.entries(appMeta).some(
      ([key, value]) => JSON.stringify(existing.raw_app_meta_data?.[key]) !== JSON.stringify(value),
    );
    const phoneChanged = phone !== undefined && phone !== existing.phone;
    if (nextEmail !== existing.email || phoneChanged || metaChanged || appChanged) {
      const [updated] = await rows<{ email: string | null; phone: string | null }>(
        tx,
        `update auth.users
            set email = $2,
                phone = case when $3::text is null then phone
                             when exists (select 1 from auth.users o where o.phone = $3::text and o.id <> $1) then phone
                             else $3::text end,
                raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $4::jsonb,
                raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb) || $5::jsonb,
                updated_at = now()
          where id = $1
          returning email, phone`,
        [userId, nextEmail, phone ?? null, JSON.stringify(userMeta), JSON.stringify(appMeta)],
      );
      storedEmail = updated?.email ?? null;
      storedPhone = updated?.phone ?? null;
    } else {
      storedEmail = existing.email;
      storedPhone = existing.phone;
    }
    const mergedPhone = userMeta.phone ?? currentMeta.phone;
    metaPhone = typeof mergedPhone === 'string' ? mergedPhone : null;
  }

  // New users get the partner's defaults; later sessions only change what the partner sends.
  const country = input.country ?? (existing ? null : partner.defaultCountry);
  const language = input.language ?? (existing ? null : partner.defaultLanguage);
  const name = input.name ?? null;
  let [profile] = await rows<ProfileRow>(
    tx,
    `insert into public.profiles as p (id, display_name, country, language, partner_id)
     values ($1, $2, $3, coalesce($4, 'fr'), $5)
     on conflict (id) do update
        set display_name = coalesce($2, p.display_name),
            country = coalesce($3, p.country),
            language = coalesce($4, p.language),
            partner_id = coalesce(p.partner_id, $5),
            updated_at = now()
      where (p.display_name, p.country, p.language, p.partner_id)
            is distinct from (coalesce($2, p.display_name), coalesce($3, p.country), coalesce($4, p.language), coalesce(p.partner_id, $5))
     returning display_name, country, language`,
    [userId, name, country, language, partner.id],
  );
  profile ??= (
    await rows<ProfileRow>(tx, 'select display_name, country, language from public.profiles where id = $1', [userId])
  )[0];

  return {
    id: userId,
    externalUserId: input.externalUserId,
    email: storedEmail,
    phone: storedPhone ? `+${storedPhone}` : metaPhone,
    name: profile?.display_name ?? null,
    country: profile?.country?.trim() || null,
    language: profile?.language ?? null,
    partnerId: partner.id,
    created: !existing,
    storedPhone,
  };
}
