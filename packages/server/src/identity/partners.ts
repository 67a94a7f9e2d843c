// Partners and their API keys (private.partners, private.partner_keys; docs/CONTRACT-identity.md).
// Keys are looked up by their public key id and checked against the stored SHA-256 in constant time;
// validity (revoked, expired, partner suspended) is decided by the database clock on every request,
// so revocation and suspension take effect at once.
import type { Queryable } from '../db/pool.ts';
import { rows } from '../db/rows.ts';
import { type ApiKeyKind, generateApiKey, parseApiKey, verifyApiKey } from './api-keys.ts';

export type PartnerStatus = 'active' | 'suspended';

export interface Partner {
  id: string;
  name: string;
  slug: string;
  status: PartnerStatus;
  allowedOrigins: string[];
  defaultCountry: string | null;
  defaultLanguage: string;
}

/** A partner authenticated by one of its keys (what `partnerAuth()` puts on the context). */
export interface AuthenticatedPartner extends Partner {
  /** The public id of the key used (safe to log). */
  keyId: string;
  keyKind: ApiKeyKind;
}

export type PartnerKeyFailure = 'invalid' | 'wrong_kind' | 'revoked' | 'expired' | 'suspended';

/** Why a presented key was refused; `reason` is safe to show, the key never is. */
export class PartnerKeyError extends Error {
  override readonly name = 'PartnerKeyError';
  constructor(
    readonly reason: PartnerKeyFailure,
    message: string,
  ) {
    super(message);
  }
}

interface PartnerRow {
  id: string;
  name: string;
  slug: string;
  status: PartnerStatus;
  allowed_origins: string[] | null;
  default_country: string | null;
  default_language: string | null;
}

const PARTNER_COLUMNS =
  'p.id, p.name, p.slug, p.status::text as status, p.allowed_origins, p.default_country, p.default_language';

function toPartner(row: PartnerRow): Partner {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    status: row.status,
    allowedOrigins: row.allowed_origins ?? [],
    defaultCountry: row.default_country?.trim() || null,
    defaultLanguage: row.default_language ?? 'fr',
  };
}

// Compared against when the key id is unknown, so that a miss costs the same hash-and-compare as a hit.
const DUMMY_HASH = '0'.repeat(64);

export interface AuthenticateKeyOptions {
  /** The kind the endpoint requires (default `secret`). */
  kind?: ApiKeyKind;
  /** Record `last_used_at` (at most once a minute per key). Default true. */
  touch?: boolean;
}

/**
 * The partner a presented key belongs to, or a {@link PartnerKeyError}: unknown or wrong key, wrong kind,
 * revoked, expired (past its rotation overlap), or partner suspended.
 *
 * @example
 * ```ts
 * const partner = await authenticatePartnerKey(pool, 'sk_…', { kind: 'secret' })
 * ```
 */
export async function authenticatePartnerKey(
  db: Queryable,
  presented: string,
  options: AuthenticateKeyOptions = {},
): Promise<AuthenticatedPartner> {
  const kind = options.kind ?? 'secret';
  const parsed = parseApiKey(presented);
  const [row] = parsed
    ? await rows<
        PartnerRow & {
          key_row_id: string;
          key_kind: ApiKeyKind;
          key_hash: string;
          revoked: boolean;
          expired: boolean;
          touch: boolean;
        }
      >(
        db,
        `select k.id as key_row_id, k.kind::text as key_kind, k.key_hash,
                k.revoked_at is not null as revoked,
                k.expires_at is not null and k.expires_at <= now() as expired,
                k.last_used_at is null or k.last_used_at < now() - interval '1 minute' as touch,
                ${PARTNER_COLUMNS}
           from private.partner_keys k
           join private.partners p on p.id = k.partner_id
          where k.key_id = $1`,
        [parsed.keyId],
      )
    : [];
  const matches = await verifyApiKey(presented, row?.key_hash ?? DUMMY_HASH);
  if (!row || !parsed || !matches) throw new PartnerKeyError('invalid', 'Invalid API key');
  if (row.key_kind !== kind || parsed.kind !== kind) {
    throw new PartnerKeyError(
      'wrong_kind',
      kind === 'secret'
        ? 'This endpoint needs a secret key (sk_…), not a publishable key'
        : 'A publishable key (pk_…) is expected here',
    );
  }
  if (row.revoked) throw new PartnerKeyError('revoked', 'This API key has been revoked');
  if (row.expired) throw new PartnerKeyError('expired', 'This API key has expired');
  if (row.status !== 'active') throw new PartnerKeyError('suspended', 'This partner account is suspended');
  if (row.touch && options.touch !== false) {
    await db.query(
      `update private.partner_keys set last_used_at = now()
        where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
      [row.key_row_id],
    );
  }
  return { ...toPartner(row), keyId: parsed.keyId, keyKind: kind };
}

/** A partner by id (any status), or `undefined`. */
export async function getPartner(db: Queryable, id: string): Promise<Partner | undefined> {
  const [row] = await rows<PartnerRow>(db, `select ${PARTNER_COLUMNS} from private.partners p where p.id = $1`, [id]);
  return row ? toPartner(row) : undefined;
}

export interface CreatePartnerInput {
  name: string;
  slug: string;
  /** Browser origins allowed to use the partner's publishable keys; `['*']` = any; empty = server-side only. */
  allowedOrigins?: string[];
  defaultCountry?: string | null;
  defaultLanguage?: string;
  webhookUrl?: string | null;
}

/**
 * Writes a partner row as given. Partners are created through `createPartner` (src/admin/partners.ts:
 * validated, audited, with keys), which calls this inside its transaction.
 */
export async function insertPartner(db: Queryable, input: CreatePartnerInput): Promise<Partner> {
  const [row] = await rows<PartnerRow>(
    db,
    `insert into private.partners as p (name, slug, allowed_origins, default_country, default_language, webhook_url)
     values ($1, $2, $3, $4, coalesce($5, 'fr'), $6)
     returning ${PARTNER_COLUMNS}`,
    [
      input.name,
      input.slug,
      input.allowedOrigins ?? [],
      input.defaultCountry ?? null,
      input.defaultLanguage ?? null,
      input.webhookUrl ?? null,
    ],
  );
  return toPartner(row as PartnerRow);
}

export interface IssuedKey {
  /** The whole key: shown once, never stored. */
  key: string;
  keyId: string;
  kind: ApiKeyKind;
}

/** Issues a new key for a partner; only its hash is stored. */
export async function createPartnerKey(
  db: Queryable,
  input: { partnerId: string; kind: ApiKeyKind; label?: string; expiresAt?: Date | null },
): Promise<IssuedKey> {
  const generated = await generateApiKey(input.kind);
  await db.query(
    `insert into private.partner_keys (partner_id, kind, key_id, key_hash, label, expires_at)
     values ($1, $2::public.partner_key_kind, $3, $4, $5, $6)`,
    [input.partnerId, input.kind, generated.keyId, generated.hash, input.label ?? null, input.expiresAt ?? null],
  );
  return { key: generated.key, keyId: generated.keyId, kind: input.kind };
}

/**
 * Rotation: issues a new key of the same kind and lets the old one work for `overlapSeconds` more
 * (default 24 h), so the partner can deploy the new key without downtime.
 */
export async function rotatePartnerKey(
  db: Queryable,
  keyId: string,
  options: { overlapSeconds?: number; label?: string } = {},
): Promise<IssuedKey> {
  const [old] = await rows<{ partner_id: string; kind: ApiKeyKind; label: string | null }>(
    db,
    `update private.partner_keys
        set expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2))
      where key_id = $1 and revoked_at is null
      returning partner_id, kind::text as kind, label`,
    [keyId, options.overlapSeconds ?? 86_400],
  );
  if (!old) throw new Error('No active key with this id');
  return createPartnerKey(db, {
    partnerId: old.partner_id,
    kind: old.kind,
    label: options.label ?? old.label ?? undefined,
  });
}

/** Revokes a key at once. */
export async function revokePartnerKey(db: Queryable, keyId: string): Promise<void> {
  await db.query('update private.partner_keys set revoked_at = coalesce(revoked_at, now()) where key_id = $1', [keyId]);
}

/** Suspends a partner (its keys and its users' sessions stop working at once) or reactivates it. */
export async function setPartnerStatus(db: Queryable, partnerId: string, status: PartnerStatus): Promise<void> {
  await db.query(
    // A trigger keeps suspended_at in step with status.
    'update private.partners set status = $2::public.partner_status where id = $1',
    [partnerId, status],
  );
}
