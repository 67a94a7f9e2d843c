// `coko partners …`, plus what `coko keys` and `coko roles` share: which database to act on, who
// acts (for the audit log), and plain-text tables.
import { parseArgs } from 'node:util';
import {
  type AdminContext,
  AdminError,
  cliActor,
  createPartner,
  describePartner,
  listPartners,
  type PartnerSummary,
  parseDuration,
  resolveUser,
  resumePartner,
  rotateWebhookSecret,
  suspendPartner,
  updatePartner,
} from '../admin/index.ts';
import { commandPool, describeDatabaseUrl } from '../db/pool.ts';
import { type CommandDatabase, resolveDatabase } from './db.ts';

// =============================================================================================
// Shared by partners, keys and roles
// =============================================================================================

/** The database admin commands act on (see `resolveDatabase`), errors as admin errors. */
async function adminDatabase(): Promise<CommandDatabase> {
  try {
    return await resolveDatabase({
      requireLocal: 'No local database yet: run `coko dev` (or `coko migrate`) first, or set DATABASE_URL',
    });
  } catch (error) {
    throw new AdminError('invalid_input', error instanceof Error ? error.message : String(error));
  }
}

/**
 * Runs an admin command against {@link adminDatabase} as the CLI's actor: the OS user, and the Coko
 * user named by `COKO_ACTOR` (id or email) when set, recorded in the audit log.
 */
export async function runAdmin<T>(fn: (ctx: AdminContext) => Promise<T>): Promise<T> {
  const database = await adminDatabase();
  const db = commandPool(database.url, 'coko-cli');
  try {
    const { rows } = await db.query<{ ready: boolean }>(`select to_regclass('private.partners') is not null as ready`);
    if (!rows[0]?.ready) {
      throw new AdminError(
        'invalid_input',
        `${describeDatabaseUrl(database.url)} (${database.source}) has no partner tables: run \`coko migrate\` first`,
      );
    }
    const actorName = process.env.COKO_ACTOR?.trim();
    const actorUser = actorName ? await resolveUser(db, actorName) : undefined;
    return await fn({ db, actor: cliActor(actorUser?.id) });
  } finally {
    await db.end().catch(() => {});
    await database.server.stop();
  }
}

/** Left-aligned columns; `-` for empty cells. */
export function table(headers: string[], body: string[][]): string {
  const cells = [headers, ...body.map((row) => row.map((cell) => (cell === '' ? '-' : cell)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}

export const isoMinute = (date: Date | null | undefined): string =>
  date ? `${date.toISOString().slice(0, 16).replace('T', ' ')}Z` : '';

/** Splits `<sub-command> …args`; prints `usage` and returns an exit code for help or a missing sub-command. */
export function subcommand(
  args: string[],
  usage: string,
  names: string[],
): { name: string; rest: string[] } | { exit: number } {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage);
    return { exit: name === undefined ? 1 : 0 };
  }
  if (!names.includes(name)) {
    console.error(`Unknown sub-command ${JSON.stringify(name)}.\n\n${usage}`);
    return { exit: 1 };
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(usage);
    return { exit: 0 };
  }
  return { name, rest };
}

export function one(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new AdminError('invalid_input', `Expected ${what}`);
  return positionals[0];
}

// =============================================================================================
// coko partners
// =============================================================================================

export const PARTNERS_USAGE = `Usage: coko partners <sub-command>

  create --name <name> [--slug <slug>] [--origin <https://…>]… [--country SN] [--language fr] [--webhook <url>] [--json]
                 Create a partner with one secret and one publishable key (shown once)
  list [--json]  Partners: id, slug, name, status, origins, keys (active/total)
  show <id|slug> [--json]
  update <id|slug> [--name …] [--origin …]… (replaces) [--add-origin …]… [--remove-origin …]…
                 [--country SN] [--language fr] [--webhook <url>]
  suspend <id|slug>
                 Its keys stop working and its users' tokens are refused (401) at once
  resume <id|slug>
  webhook-secret <id|slug> [--overlap 24h] [--json]
                 New webhook signing secret (shown once); the old one keeps signing for
                 the overlap (default 24h; 0 when it leaked)

Origins are scheme://host[:port] (no path); '*' allows any; none = server-side and native apps only.`;

/** `label  value` lines; `-` for empty values. */
export function fields(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value || '-'}`).join('\n');
}

function printPartner(p: PartnerSummary): void {
  console.log(
    fields([
      ['id', p.id],
      ['slug', p.slug],
      ['name', p.name],
      ['status', p.status + (p.suspendedAt ? ` (since ${isoMinute(p.suspendedAt)})` : '')],
      ['origins', p.allowedOrigins.join(' ') || '(none: server-side and native apps only)'],
      ['country', p.defaultCountry ?? ''],
      ['language', p.defaultLanguage],
      ['webhook', p.webhookUrl ?? ''],
      ['keys', `${p.keys.active} active / ${p.keys.total} total (coko keys list ${p.slug})`],
      ['created', isoMinute(p.createdAt)],
    ]),
  );
}

export async function partnersCommand(args: string[]): Promise<number> {
  const parsed = subcommand(args, PARTNERS_USAGE, [
    'create',
    'list',
    'show',
    'update',
    'suspend',
    'resume',
    'webhook-secret',
  ]);
  if ('exit' in parsed) return parsed.exit;
  const { name, rest } = parsed;

  if (name === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        slug: { type: 'string' },
        origin: { type: 'string', multiple: true },
        country: { type: 'string' },
        language: { type: 'string' },
        webhook: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (!values.name) throw new AdminError('invalid_input', 'coko partners create needs --name <name>');
    const created = await runAdmin((ctx) =>
      createPartner(ctx, {
        name: values.name as string,
        slug: values.slug,
        allowedOrigins: values.origin ?? [],
        defaultCountry: values.country,
        defaultLanguage: values.language,
        webhookUrl: values.webhook,
      }),
    );
    const { partner, secretKey, publishableKey } = created;
    if (values.json) {
      console.log(
        JSON.stringify(
          {
            partner,
            secretKey: secretKey?.key,
            publishableKey: publishableKey?.key,
            webhookSecret: created.webhookSecret,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    console.log(`
  Partner created: ${partner.name} (${partner.slug})

  id               ${partner.id}
  origins          ${partner.allowedOrigins.join(' ') || '(none: server-side and native apps only)'}
  defaults         country ${partner.defaultCountry ?? '-'}, language ${partner.defaultLanguage}

  Secret key       ${secretKey?.key}
                   server-side only: your backend sends it to POST /functions/v1/api/v1/sessions
  Publishable key  ${publishableKey?.key}
                   for your front end (createCoko({ url, publishableKey, accessToken }))
  Webhook secret   ${created.webhookSecret}
                   verifies the Coko-Signature of webhooks (verifyWebhook from @coko/sdk/server)

  The keys and the webhook secret are shown once: store them now.
  Webhook secret lost or leaked? \`coko partners webhook-secret ${partner.slug}\`.
  Lost or leaked? \`coko keys rotate <key id>\` or \`coko keys revoke <key id>\` (ids: coko keys list ${partner.slug}).
`);
    return 0;
  }

  if (name === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
    const partners = await runAdmin((ctx) => listPartners(ctx));
    if (values.json) {
      console.log(JSON.stringify(partners, null, 2));
      return 0;
    }
    if (partners.length === 0) {
      console.log('No partners yet: coko partners create --name <name> --origin https://your.app');
      return 0;
    }
    console.log(
      table(
        ['ID', 'SLUG', 'NAME', 'STATUS', 'ORIGINS', 'KEYS'],
        partners.map((p) => [
          p.id,
          p.slug,
          p.name,
          p.status,
          p.allowedOrigins.join(',') || '(none)',
          `${p.keys.active}/${p.keys.total}`,
        ]),
      ),
    );
    console.log('\nKEYS: active/total (active = not revoked, not expired).');
    return 0;
  }

  if (name === 'show') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean' } },
      allowPositionals: true,
    });
    const idOrSlug = one(positionals, 'a partner id or slug: coko partners show <id|slug>');
    const partner = await runAdmin((ctx) => describePartner(ctx, idOrSlug));
    if (values.json) console.log(JSON.stringify(partner, null, 2));
    else printPartner(partner);
    return 0;
  }

  if (name === 'update') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        origin: { type: 'string', multiple: true },
        'add-origin': { type: 'string', multiple: true },
        'remove-origin': { type: 'string', multiple: true },
        country: { type: 'string' },
        language: { type: 'string' },
        webhook: { type: 'string' },
      },
    });
    const idOrSlug = one(positionals, 'a partner id or slug: coko partners update <id|slug> [options]');
    const partner = await runAdmin(async (ctx) => {
      await updatePartner(ctx, idOrSlug, {
        name: values.name,
        allowedOrigins: values.origin,
        addOrigins: values['add-origin'],
        removeOrigins: values['remove-origin'],
        defaultCountry: values.country === undefined ? undefined : values.country === '' ? null : values.country,
        defaultLanguage: values.language,
        webhookUrl: values.webhook === undefined ? undefined : values.webhook === '' ? null : values.webhook,
      });
      return describePartner(ctx, idOrSlug);
    });
    console.log('Partner updated.');
    printPartner(partner);
    return 0;
  }

  if (name === 'webhook-secret') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { overlap: { type: 'string' }, json: { type: 'boolean' } },
    });
    const idOrSlug = one(positionals, 'a partner id or slug: coko partners webhook-secret <id|slug>');
    const overlapSeconds = values.overlap === undefined ? undefined : Math.round(parseDuration(values.overlap));
    const rotated = await runAdmin((ctx) => rotateWebhookSecret(ctx, idOrSlug, { overlapSeconds }));
    if (values.json) {
      console.log(
        JSON.stringify(
          { partnerId: rotated.partner.id, secret: rotated.secret, previousValidUntil: rotated.previousValidUntil },
          null,
          2,
        ),
      );
      return 0;
    }
    console.log(`
  New webhook secret for ${rotated.partner.name} (${rotated.partner.slug})

  Webhook secret   ${rotated.secret}

  Shown once: store it now. Until ${isoMinute(rotated.previousValidUntil)} each webhook carries a signature
  with the previous secret too, so verification keeps working while you deploy the new one.
`);
    return 0;
  }

  // suspend | resume
  const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
  const idOrSlug = one(positionals, `a partner id or slug: coko partners ${name} <id|slug>`);
  const { partner, changed } = await runAdmin((ctx) =>
    name === 'suspend' ? suspendPartner(ctx, idOrSlug) : resumePartner(ctx, idOrSlug),
  );
  if (!changed) {
    console.log(`${partner.name} (${partner.slug}) is already ${partner.status}.`);
  } else if (name === 'suspend') {
    console.log(
      `Suspended ${partner.name} (${partner.slug}): its keys no longer work and its users' sessions are refused (401). \`coko partners resume ${partner.slug}\` undoes it.`,
    );
  } else {
    console.log(`Resumed ${partner.name} (${partner.slug}): its keys and its users' sessions work again.`);
  }
  return 0;
}
