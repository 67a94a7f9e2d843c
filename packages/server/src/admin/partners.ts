// Partner administration (what `coko partners …` runs): create, list, update, suspend, resume.
// Writes go through src/identity (insertPartner, createPartnerKey, setPartnerStatus) inside
// withAdmin(), so each operation is one audited transaction.
import type { Queryable } from '../db/pool.ts';
import { rows } from '../db/rows.ts';
import { canonicalLanguage, isCountryCode, isLanguageTag } from '../identity/countries.ts';
import {
  createPartnerKey,
  getPartner,
  type IssuedKey,
  insertPartner,
  type Partner,
  setPartnerStatus,
} from '../identity/partners.ts';
import { slugify } from '../text/slugify.ts';
import { type AdminContext, AdminError, isUuid, withAdmin } from './context.ts';

export interface CreatePartnerOptions {
  name: string;
  /** Default: derived from the name (`Librairie Clairafrique` → `librairie-clairafrique`). */
  slug?: string | undefined;
  /** Browser origins allowed to use the publishable keys (`https://app.example.com`); `*` = any; empty = none. */
  allowedOrigins?: string[] | undefined;
  /** ISO 3166-1 alpha-2 country for new users who give none. */
  defaultCountry?: string | null | undefined;
  /** Language for new users who give none (default `fr`). */
  defaultLanguage?: string | undefined;
  webhookUrl?: string | null | undefined;
  /** Issue one secret and one publishable key in the same transaction (default true). */
  keys?: boolean | undefined;
}

export interface CreatedPartner {
  partner: Partner;
  /** Shown once: only its hash is stored. */
  secretKey?: IssuedKey;
  /** Shown once: only its hash is stored. */
  publishableKey?: IssuedKey;
  /** Signs the partner's webhooks (Coko-Signature); shown once here, replaced by `coko partners webhook-secret`. */
  webhookSecret: string;
}

export interface PartnerSummary extends Partner {
  webhookUrl: string | null;
  createdAt: Date;
  suspendedAt: Date | null;
  keys: {
    /** Keys that work now (not revoked, not expired). */
    active: number;
    /** Every key ever issued. */
    total: number;
  };
}

/**
 * A browser origin as the database stores it (`scheme://host[:port]`, lower case, no default port),
 * or `*`. `https://App.example.com/` → `https://app.example.com`; a path, query or credentials are refused.
 */
export function normalizeOrigin(value: string): string {
  const raw = value.trim();
  if (raw === '*') return '*';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AdminError(
      'invalid_input',
      `Not an origin: ${JSON.stringify(value)} (expected e.g. https://app.example.com)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AdminError('invalid_input', `Origins are http or https: ${JSON.stringify(value)}`);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new AdminError(
      'invalid_input',
      `An origin is scheme://host[:port] with no path: use ${url.origin} instead of ${value}`,
    );
  }
  return url.origin;
}

function normalizeCountry(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const code = value.trim().toUpperCase();
  if (!isCountryCode(code))
    throw new AdminError('invalid_input', `Not an ISO 3166-1 alpha-2 country code: ${JSON.stringify(value)}`);
  return code;
}

function normalizeLanguage(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const tag = value.trim();
  if (!isLanguageTag(tag))
    throw new AdminError('invalid_input', `Not a language such as fr or fr-SN: ${JSON.stringify(value)}`);
  return canonicalLanguage(tag);
}

function normalizeWebhook(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // fall through
  }
  throw new AdminError('invalid_input', `The webhook URL must be an http(s) URL: ${JSON.stringify(value)}`);
}

const unique = (values: string[]) => [...new Set(values)];

/**
 * Creates a partner and (by default) one secret and one publishable key, in one audited transaction.
 * The keys are returned once; only their hashes are stored.
 *
 * @example
 * ```ts
 * const { partner, secretKey, publishableKey } = await createPartner(
 *   { db: pool, actor: cliActor() },
 *   { name: 'Librairie Clairafrique', allowedOrigins: ['https://lire.clairafrique.sn'], defaultCountry: 'SN' },
 * )
 * ```
 */
export async function createPartner(ctx: AdminContext, options: CreatePartnerOptions): Promise<CreatedPartner> {
  const name = options.name?.trim() ?? '';
  if (!name) throw new AdminError('invalid_input', 'A partner needs a name (--name)');
  const slug = options.slug?.trim() || slugify(name, { maxLength: 100 });
  if (!slug)
    throw new AdminError(
      'invalid_input',
      `No slug can be derived from ${JSON.stringify(name)}: choose one with --slug`,
    );
  const allowedOrigins = unique((options.allowedOrigins ?? []).map(normalizeOrigin));
  const defaultCountry = normalizeCountry(options.defaultCountry);
  const defaultLanguage = normalizeLanguage(options.defaultLanguage);
  const webhookUrl = normalizeWebhook(options.webhookUrl);
  return withAdmin(ctx, async (tx) => {
    const partner = await insertPartner(tx, {
      name,
      slug,
      allowedOrigins,
      defaultCountry,
      defaultLanguage,
      webhookUrl,
    });
    // A trigger creates the secret with the partner (whatever path inserts it): read it to show it once.
    const webhookSecret = await currentWebhookSecret(tx, partner.id);
    if (options.keys === false) return { partner, webhookSecret };
    const secretKey = await createPartnerKey(tx, {
      partnerId: partner.id,
      kind: 'secret',
      label: 'created with the partner',
    });
    const publishableKey = await createPartnerKey(tx, {
      partnerId: partner.id,
      kind: 'publishable',
      label: 'created with the partner',
    });
    return { partner, secretKey, publishableKey, webhookSecret };
  });
}

async function currentWebhookSecret(db: Queryable, partnerId: string): Promise<string> {
  const [row] = await rows<{ secret: string }>(
    db,
    'select secret from private.partner_webhook_secrets where partner_id = $1 and expires_at is null',
    [partnerId],
  );
  if (!row) throw new Error(`Partner ${partnerId} has no webhook secret`);
  return row.secret;
}

export interface RotatedWebhookSecret {
  partner: Partner;
  /** The new secret: shown once. */
  secret: string;
  /** Until when the previous secret still signs deliveries (both signatures are sent meanwhile). */
  previousValidUntil: Date;
}

/**
 * Replaces a partner's webhook secret (`coko partners webhook-secret <id|slug>`, audited). Deliveries
 * carry a signature with each secret for `overlapSeconds` (default 24 h), so the partner deploys the new
 * one without rejecting a webhook; pass 0 when the old one leaked.
 */
export async function rotateWebhookSecret(
  ctx: AdminContext,
  idOrSlug: string,
  { overlapSeconds = 86_400 }: { overlapSeconds?: number } = {},
): Promise<RotatedWebhookSecret> {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > 30 * 86_400)
    throw new AdminError('invalid_input', 'The overlap must be a whole number of seconds between 0 and 30 days');
  return withAdmin(ctx, async (tx) => {
    const partner = await findPartner(tx, idOrSlug);
    const [row] = await rows<{ secret: string; until: Date }>(
      tx,
      `select private.rotate_partner_webhook_secret($1, make_interval(secs => $2)) as secret,
              now() + make_interval(secs => $2) as until`,
      [partner.id, overlapSeconds],
    );
    // Never the secret itself.
    await tx.query(
      `select private.write_audit('partner.webhook_secret_rotate', 'partner', $1, null, jsonb_build_object('overlapSeconds', $2::int))`,
      [partner.id, overlapSeconds],
    );
    return { partner, secret: (row as { secret: string }).secret, previousValidUntil: (row as { until: Date }).until };
  });
}

/** The partner named by id (uuid) or slug, or an {@link AdminError} `unknown_partner`. */
export async function findPartner(db: Queryable, idOrSlug: string): Promise<Partner> {
  const value = idOrSlug.trim();
  const [row] = await rows<{ id: string }>(
    db,
    isUuid(value) ? 'select id from private.partners where id = $1' : 'select id from private.partners where slug = $1',
    [isUuid(value) ? value : value.toLowerCase()],
  );
  const partner = row ? await getPartner(db, row.id) : undefined;
  if (!partner)
    throw new AdminError(
      'unknown_partner',
      `No partner with id or slug ${JSON.stringify(value)} (see \`coko partners list\`)`,
    );
  return partner;
}

interface SummaryRow {
  id: string;
  name: string;
  slug: string;
  status: Partner['status'];
  allowed_origins: string[] | null;
  default_country: string | null;
  default_language: string;
  webhook_url: string | null;
  created_at: Date;
  suspended_at: Date | null;
  active_keys: number;
  total_keys: number;
}

const SUMMARY_SELECT = `
  select p.id, p.name, p.slug, p.status::text as status, p.allowed_origins, p.default_country, p.default_language,
         p.webhook_url, p.created_at, p.suspended_at,
         count(k.id) filter (where k.revoked_at is null and (k.expires_at is null or k.expires_at > now()))::int as active_keys,
         count(k.id)::int as total_keys
    from private.partners p
    left join private.partner_keys k on k.partner_id = p.id`;

function toSummary(row: SummaryRow): PartnerSummary {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    status: row.status,
    allowedOrigins: row.allowed_origins ?? [],
    defaultCountry: row.default_country?.trim() || null,
    defaultLanguage: row.default_language,
    webhookUrl: row.webhook_url,
    createdAt: row.created_at,
    suspendedAt: row.suspended_at,
    keys: { active: row.active_keys, total: row.total_keys },
  };
}

/** Every partner (oldest first) with its key counts. Read-only: no transaction, no audit entry. */
export async function listPartners(ctx: Pick<AdminContext, 'db'>): Promise<PartnerSummary[]> {
  const found = await rows<SummaryRow>(ctx.db, `${SUMMARY_SELECT} group by p.id order by p.created_at, p.slug`);
  return found.map(toSummary);
}

/** One partner with its key counts. */
export async function describePartner(ctx: Pick<AdminContext, 'db'>, idOrSlug: string): Promise<PartnerSummary> {
  const partner = await findPartner(ctx.db, idOrSlug);
  const [row] = await rows<SummaryRow>(ctx.db, `${SUMMARY_SELECT} where p.id = $1 group by p.id`, [partner.id]);
  return toSummary(row as SummaryRow);
}

export interface UpdatePartnerOptions {
  name?: string | undefined;
  /** Replaces the list. */
  allowedOrigins?: string[] | undefined;
  addOrigins?: string[] | undefined;
  removeOrigins?: string[] | undefined;
  defaultCountry?: string | null | undefined;
  defaultLanguage?: string | undefined;
  webhookUrl?: string | null | undefined;
}

/** Changes a partner's name, origins, defaults or webhook (audited: only changed columns are logged). */
export async function updatePartner(
  ctx: AdminContext,
  idOrSlug: string,
  options: UpdatePartnerOptions,
): Promise<Partner> {
  const name = options.name === undefined ? undefined : options.name.trim();
  if (name === '') throw new AdminError('invalid_input', 'The name cannot be empty');
  const replace = options.allowedOrigins?.map(normalizeOrigin);
  const add = (options.addOrigins ?? []).map(normalizeOrigin);
  const remove = new Set((options.removeOrigins ?? []).map(normalizeOrigin));
  const defaultCountry = normalizeCountry(options.defaultCountry);
  const defaultLanguage = normalizeLanguage(options.defaultLanguage);
  const webhookUrl = normalizeWebhook(options.webhookUrl);
  return withAdmin(ctx, async (tx) => {
    const partner = await findPartner(tx, idOrSlug);
    await tx.query('select 1 from private.partners where id = $1 for update', [partner.id]);
    const origins = unique([...(replace ?? partner.allowedOrigins), ...add]).filter((origin) => !remove.has(origin));
    await tx.query(
      `update private.partners
          set name = coalesce($2, name),
              allowed_origins = $3,
              default_country = case when $4::boolean then $5 else default_country end,
              default_language = coalesce($6, default_language),
              webhook_url = case when $7::boolean then $8 else webhook_url end
        where id = $1`,
      [
        partner.id,
        name ?? null,
        origins,
        defaultCountry !== undefined,
        defaultCountry ?? null,
        defaultLanguage ?? null,
        webhookUrl !== undefined,
        webhookUrl ?? null,
      ],
    );
    return (await getPartner(tx, partner.id)) as Partner;
  });
}

export interface StatusChange {
  partner: Partner;
  /** False when the partner already had that status (nothing written, nothing audited). */
  changed: boolean;
}

async function changeStatus(ctx: AdminContext, idOrSlug: string, status: Partner['status']): Promise<StatusChange> {
  return withAdmin(ctx, async (tx) => {
    const partner = await findPartner(tx, idOrSlug);
    if (partner.status === status) return { partner, changed: false };
    await setPartnerStatus(tx, partner.id, status);
    return { partner: { ...partner, status }, changed: true };
  });
}

/**
 * Suspends a partner: its keys stop working and its users' tokens are refused (HTTP 401) from the
 * next request on (the database checks the partner on every PostgREST and API request).
 */
export function suspendPartner(ctx: AdminContext, idOrSlug: string): Promise<StatusChange> {
  return changeStatus(ctx, idOrSlug, 'suspended');
}

/** Reactivates a suspended partner: its (unrevoked, unexpired) keys and its users' tokens work again. */
export function resumePartner(ctx: AdminContext, idOrSlug: string): Promise<StatusChange> {
  return changeStatus(ctx, idOrSlug, 'active');
}
