// The demo partner `coko dev` sets up for the example apps: slug `demo`, allowed origins of the example
// reader app (Vite's http://localhost:5173 and http://127.0.0.1:5173), one secret and one publishable
// key. The keys are kept in .coko/partner.json (mode 0600) so that reruns reuse them; a stored key
// that no longer works (revoked, expired, another database) is replaced by a fresh one.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type pg from 'pg';
import { commandPool } from '../db/pool.ts';
import { rows } from '../db/rows.ts';
import { type ApiKeyKind, hashApiKey, parseApiKey } from '../identity/api-keys.ts';
import type { Partner } from '../identity/partners.ts';
import { type Actor, AdminError } from './context.ts';
import { createKey } from './keys.ts';
import { createPartner, findPartner, updatePartner } from './partners.ts';

export const DEMO_PARTNER = {
  slug: 'demo',
  name: 'Demo partner',
  allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
  defaultCountry: 'SN',
  defaultLanguage: 'fr',
} as const;

/** What .coko/partner.json and the `partner` entry of .coko/dev.json hold. */
export interface DemoPartnerKeys {
  id: string;
  publishableKey: string;
  secretKey: string;
}

export interface DemoPartner extends DemoPartnerKeys {
  slug: string;
  status: Partner['status'];
  /** The partner was created by this call. */
  created: boolean;
  /** Kinds of key issued by this call (stored ones that still work are reused). */
  issued: ApiKeyKind[];
}

function readStored(file: string): Partial<DemoPartnerKeys> {
  if (!existsSync(file)) return {};
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoPartnerKeys>;
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** True when `key` is a live key of `kind` of partner `partnerId` (hash match, not revoked, not expired). */
async function keyWorks(db: pg.Pool, partnerId: string, kind: ApiKeyKind, key: string | undefined): Promise<boolean> {
  const parsed = key ? parseApiKey(key) : undefined;
  if (!key || !parsed || parsed.kind !== kind) return false;
  const [row] = await rows<{ ok: boolean }>(
    db,
    `select true as ok from private.partner_keys
      where key_id = $1 and key_hash = $2 and partner_id = $3 and kind = $4::public.partner_key_kind
        and revoked_at is null and (expires_at is null or expires_at > now())`,
    [parsed.keyId, await hashApiKey(key), partnerId, kind],
  );
  return Boolean(row?.ok);
}

/**
 * Makes sure the demo partner exists with the example app's origins and working keys, and writes them
 * to `file` (mode 0600). Idempotent; every write is audited as `actor`.
 */
export async function ensureDemoPartner(options: {
  databaseUrl: string;
  file: string;
  actor: Actor;
}): Promise<DemoPartner> {
  const db = commandPool(options.databaseUrl, 'coko-dev-demo-partner');
  const ctx = { db, actor: options.actor };
  try {
    const stored = readStored(options.file);
    let partner: Partner | undefined;
    let created = false;
    try {
      partner = await findPartner(db, DEMO_PARTNER.slug);
    } catch (error) {
      if (!(error instanceof AdminError && error.code === 'unknown_partner')) throw error;
    }
    const keys: { secret?: string; publishable?: string } = {};
    const issued: ApiKeyKind[] = [];
    if (!partner) {
      const result = await createPartner(ctx, { ...DEMO_PARTNER, allowedOrigins: [...DEMO_PARTNER.allowedOrigins] });
      partner = result.partner;
      created = true;
      keys.secret = result.secretKey?.key;
      keys.publishable = result.publishableKey?.key;
      issued.push('secret', 'publishable');
    } else {
      const missing = DEMO_PARTNER.allowedOrigins.filter((origin) => !partner?.allowedOrigins.includes(origin));
      if (missing.length > 0) partner = await updatePartner(ctx, partner.id, { addOrigins: missing });
      for (const kind of ['secret', 'publishable'] as const) {
        const candidate = kind === 'secret' ? stored.secretKey : stored.publishableKey;
        if (stored.id === partner.id && (await keyWorks(db, partner.id, kind, candidate))) {
          keys[kind] = candidate;
        } else {
          keys[kind] = (await createKey(ctx, partner.id, kind, { label: 'coko dev' })).key;
          issued.push(kind);
        }
      }
    }
    const result: DemoPartnerKeys = {
      id: partner.id,
      publishableKey: keys.publishable as string,
      secretKey: keys.secret as string,
    };
    if (issued.length > 0 || stored.id !== result.id) {
      mkdirSync(dirname(options.file), { recursive: true });
      writeFileSync(options.file, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
      chmodSync(options.file, 0o600);
    }
    return { ...result, slug: partner.slug, status: partner.status, created, issued };
  } finally {
    await db.end();
  }
}
