// Fixtures for the identity tests (partners, partner keys, extra users, token claims), on top of
// helpers.ts. Everything runs as the superuser against the test file's own database.
import { generateApiKey } from '../../packages/server/src/identity/api-keys.ts';
import { adminQuery, createUser, type TestUser } from './helpers.js';

export interface PartnerFixture {
  id: string;
  slug: string;
}

/** Creates a partner (idempotent by id). */
export async function createPartner(partner: {
  id: string;
  slug: string;
  status?: 'active' | 'suspended';
  allowedOrigins?: string[];
}): Promise<PartnerFixture> {
  await adminQuery(
    `insert into private.partners (id, name, slug, status, allowed_origins)
     values ($1, $2, $2, $3, $4)
     on conflict (id) do update set status = excluded.status, allowed_origins = excluded.allowed_origins`,
    [partner.id, partner.slug, partner.status ?? 'active', partner.allowedOrigins ?? []],
  );
  return { id: partner.id, slug: partner.slug };
}

/** Sets a partner's status (the trigger maintains suspended_at). */
export async function setPartnerStatus(partnerId: string, status: 'active' | 'suspended'): Promise<void> {
  await adminQuery('update private.partners set status = $2 where id = $1', [partnerId, status]);
}

export interface PartnerKeyFixture {
  id: string;
  key: string;
  keyId: string;
  hash: string;
}

/** Creates a partner key in the contract's format and returns the whole key (shown once). */
export async function createPartnerKey(
  partnerId: string,
  kind: 'publishable' | 'secret',
  options: { expiresAt?: string | null; revokedAt?: string | null; label?: string } = {},
): Promise<PartnerKeyFixture> {
  // Keys are made as the API makes them (format, hash); only the row is written here, so a test can
  // give it any state (revoked, expired).
  const { key, keyId, hash } = await generateApiKey(kind);
  const [row] = await adminQuery<{ id: string }>(
    `insert into private.partner_keys (partner_id, kind, key_id, key_hash, label, expires_at, revoked_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [partnerId, kind, keyId, hash, options.label ?? null, options.expiresAt ?? null, options.revokedAt ?? null],
  );
  return { id: row!.id as string, key, keyId, hash };
}

/** Creates a user (auth.users; the trigger creates the profile), optionally mapped to a partner. */
export async function createIdentityUser(
  user: TestUser & { userMetadata?: Record<string, unknown>; partner?: { id: string; externalUserId: string } },
): Promise<void> {
  if (user.userMetadata) {
    await adminQuery(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, $4, now(), now())
       on conflict (id) do nothing`,
      [
        user.id,
        user.email,
        JSON.stringify({ provider: 'email', ...user.appMetadata }),
        JSON.stringify(user.userMetadata),
      ],
    );
  } else {
    await createUser(user);
  }
  if (user.partner) {
    await adminQuery(
      `insert into private.partner_users (partner_id, external_user_id, user_id) values ($1, $2, $3)
       on conflict do nothing`,
      [user.partner.id, user.partner.externalUserId, user.id],
    );
  }
}

/** The claims of a JWT (no verification: tests read their own tokens). */
export function jwtClaims(token: string): Record<string, unknown> & { iat: number; exp: number } {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('Not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** The profile row as the superuser sees it. */
export async function profileOf(userId: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await adminQuery('select * from public.profiles where id = $1', [userId]);
  return row;
}
