// Partner key administration (what `coko keys …` runs): create, list, rotate, revoke. Keys are
// generated, hashed and stored by src/identity (generateApiKey via createPartnerKey,
// rotatePartnerKey, revokePartnerKey); the whole key is returned once and never stored or logged.
import type { Queryable } from '../db/pool.ts';
import { rows } from '../db/rows.ts';
import { type ApiKeyKind, parseApiKey } from '../identity/api-keys.ts';
import {
  createPartnerKey,
  type IssuedKey,
  type Partner,
  revokePartnerKey,
  rotatePartnerKey,
} from '../identity/partners.ts';
import { type AdminContext, AdminError, isUuid, withAdmin } from './context.ts';
import { findPartner } from './partners.ts';

export const KEY_KINDS: readonly ApiKeyKind[] = ['secret', 'publishable'];

export type KeyState = 'active' | 'expiring' | 'expired' | 'revoked';

/** A key as an operator sees it: never the key itself nor its hash. */
export interface KeyInfo {
  /** Row id (uuid). */
  id: string;
  /** The public key id (`sk_<keyId>_…`), what `coko keys rotate|revoke` take. */
  keyId: string;
  partnerId: string;
  partnerSlug: string;
  kind: ApiKeyKind;
  label: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** active; expiring (works until expiresAt: a rotation's overlap); expired; revoked. */
  state: KeyState;
}

interface KeyRow {
  id: string;
  key_id: string;
  partner_id: string;
  partner_slug: string;
  kind: ApiKeyKind;
  label: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  state: KeyState;
}

const KEY_SELECT = `
  select k.id, k.key_id, k.partner_id, p.slug as partner_slug, k.kind::text as kind, k.label, k.created_at,
         k.expires_at, k.revoked_at, k.last_used_at,
         case when k.revoked_at is not null then 'revoked'
              when k.expires_at is not null and k.expires_at <= now() then 'expired'
              when k.expires_at is not null then 'expiring'
              else 'active' end as state
    from private.partner_keys k
    join private.partners p on p.id = k.partner_id`;

function toInfo(row: KeyRow): KeyInfo {
  return {
    id: row.id,
    keyId: row.key_id,
    partnerId: row.partner_id,
    partnerSlug: row.partner_slug,
    kind: row.kind,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    state: row.state,
  };
}

/** The kind named on a command line, or an {@link AdminError}. */
export function parseKeyKind(value: string | undefined): ApiKeyKind {
  if (value === 'secret' || value === 'publishable') return value;
  throw new AdminError('invalid_input', `The key kind is secret or publishable; got ${JSON.stringify(value ?? '')}`);
}

/**
 * A key named by its public key id (16 base62 characters) or row id (uuid). A whole key is refused
 * (it would sit in shell history and logs): pass its id, the part between the first two underscores.
 */
export async function findKey(db: Queryable, keyId: string, options: { lock?: boolean } = {}): Promise<KeyInfo> {
  const value = keyId.trim();
  const parsed = parseApiKey(value);
  if (parsed) {
    throw new AdminError('invalid_input', `Pass the key id (${parsed.keyId}), never the whole key`);
  }
  if (!isUuid(value) && !/^[0-9A-Za-z]{16}$/.test(value)) {
    throw new AdminError(
      'invalid_input',
      `Not a key id (16 letters and digits, see \`coko keys list <partner>\`): ${JSON.stringify(value)}`,
    );
  }
  const [row] = await rows<KeyRow>(
    db,
    `${KEY_SELECT} where ${isUuid(value) ? 'k.id = $1::uuid' : 'k.key_id = $1'}${options.lock ? ' for update of k' : ''}`,
    [value],
  );
  if (!row) throw new AdminError('unknown_key', `No key with id ${value} (see \`coko keys list <partner>\`)`);
  return toInfo(row);
}

/** A partner's keys, newest first (never the keys themselves). */
export async function listKeys(ctx: Pick<AdminContext, 'db'>, partnerIdOrSlug: string): Promise<KeyInfo[]> {
  const partner = await findPartner(ctx.db, partnerIdOrSlug);
  const found = await rows<KeyRow>(
    ctx.db,
    `${KEY_SELECT} where k.partner_id = $1 order by k.created_at desc, k.key_id`,
    [partner.id],
  );
  return found.map(toInfo);
}

export interface CreatedKey extends IssuedKey {
  partner: Partner;
  label: string | null;
}

/**
 * Issues a new key for a partner. The whole key is returned once: only its SHA-256 is stored.
 *
 * @example
 * ```ts
 * const { key } = await createKey({ db, actor: cliActor() }, 'clairafrique', 'secret')
 * ```
 */
export async function createKey(
  ctx: AdminContext,
  partnerIdOrSlug: string,
  kind: ApiKeyKind,
  options: { label?: string | undefined } = {},
): Promise<CreatedKey> {
  parseKeyKind(kind);
  const label = options.label?.trim() || null;
  return withAdmin(ctx, async (tx) => {
    const partner = await findPartner(tx, partnerIdOrSlug);
    const issued = await createPartnerKey(tx, { partnerId: partner.id, kind, label: label ?? undefined });
    return { ...issued, partner, label };
  });
}

/** `24h`, `30m`, `7d`, `90s`, `0`, `24 hours`, `1 day`, or a number of seconds → seconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const match =
      /^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)?\s*$/i.exec(
        value,
      );
    if (match) {
      const amount = Number(match[1]);
      const unit = (match[2] ?? 's').toLowerCase();
      const factor = unit.startsWith('w')
        ? 604_800
        : unit.startsWith('d')
          ? 86_400
          : unit.startsWith('h')
            ? 3600
            : unit.startsWith('m')
              ? 60
              : 1;
      return Math.round(amount * factor);
    }
  }
  throw new AdminError('invalid_input', `Not a duration such as 24h, 30m, 7d or 0: ${JSON.stringify(value)}`);
}

/** At most 30 days of overlap: a rotation is not a way to keep a compromised key alive. */
export const MAX_OVERLAP_SECONDS = 30 * 86_400;

export interface RotatedKey {
  /** The new key, of the same kind and partner: shown once. */
  key: IssuedKey;
  partner: Partner;
  /** The old key: works until `expiresAt` (now + overlap), then never again. */
  previous: { keyId: string; expiresAt: Date };
}

/**
 * Rotation: issues a new key of the same kind for the same partner and lets the old one work until
 * now + `overlap` (default 24 hours; `0` ends it at once), so the partner can deploy the new key
 * without downtime. A revoked or already expired key cannot be rotated (issue a new key instead).
 */
export async function rotateKey(
  ctx: AdminContext,
  keyId: string,
  options: { overlap?: string | number | undefined; label?: string | undefined } = {},
): Promise<RotatedKey> {
  const overlapSeconds = parseDuration(options.overlap ?? '24 hours');
  if (overlapSeconds > MAX_OVERLAP_SECONDS) {
    throw new AdminError('invalid_input', 'The overlap is at most 30 days');
  }
  return withAdmin(ctx, async (tx) => {
    const old = await findKey(tx, keyId, { lock: true });
    if (old.state === 'revoked')
      throw new AdminError('key_revoked', `Key ${old.keyId} is revoked; issue a new one with \`coko keys create\``);
    if (old.state === 'expired')
      throw new AdminError('key_expired', `Key ${old.keyId} has expired; issue a new one with \`coko keys create\``);
    const partner = await findPartner(tx, old.partnerId);
    const key = await rotatePartnerKey(tx, old.keyId, {
      overlapSeconds,
      label:
        options.label?.trim() ||
        (old.label ? `${old.label.replace(/ \(rotated\)$/, '').slice(0, 180)} (rotated)` : 'rotated'),
    });
    const [after] = await rows<{ expires_at: Date }>(tx, 'select expires_at from private.partner_keys where id = $1', [
      old.id,
    ]);
    return { key, partner, previous: { keyId: old.keyId, expiresAt: (after as { expires_at: Date }).expires_at } };
  });
}

export interface RevokedKey {
  key: KeyInfo;
  /** False when it was already revoked (nothing written). */
  changed: boolean;
}

/** Revokes a key: it fails from the next request on, for good. */
export async function revokeKey(ctx: AdminContext, keyId: string): Promise<RevokedKey> {
  return withAdmin(ctx, async (tx) => {
    const key = await findKey(tx, keyId, { lock: true });
    if (key.state === 'revoked') return { key, changed: false };
    await revokePartnerKey(tx, key.keyId);
    return { key: await findKey(tx, key.keyId), changed: true };
  });
}
