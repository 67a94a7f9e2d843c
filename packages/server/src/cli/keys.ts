// `coko keys …`: issue, list, rotate and revoke partner keys. A whole key is printed only when it is
// created (create, rotate); list shows key ids, never keys or hashes.
import { parseArgs } from 'node:util';
import { AdminError, createKey, listKeys, parseKeyKind, revokeKey, rotateKey } from '../admin/index.ts';
import { fields, isoMinute, one, runAdmin, subcommand, table } from './partners.ts';

export const KEYS_USAGE = `Usage: coko keys <sub-command>

  create <partner id|slug> --kind secret|publishable [--label <text>]
                 Issue a key (shown once)
  list <partner id|slug> [--json]
                 Key ids, kinds, states and last use (never the keys)
  rotate <key id> [--overlap 24h] [--label <text>]
                 Issue a new key of the same kind; the old one keeps working for the overlap
                 (s, m, h, d; default 24h; 0 ends it now; at most 30d)
  revoke <key id>
                 The key fails from the next request on, for good

A key id is the part between the first two underscores: sk_<key id>_… (see coko keys list).`;

export async function keysCommand(args: string[]): Promise<number> {
  const parsed = subcommand(args, KEYS_USAGE, ['create', 'list', 'rotate', 'revoke']);
  if ('exit' in parsed) return parsed.exit;
  const { name, rest } = parsed;

  if (name === 'create') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { kind: { type: 'string' }, label: { type: 'string' } },
    });
    const partner = one(positionals, 'a partner id or slug: coko keys create <partner> --kind secret|publishable');
    if (!values.kind) throw new AdminError('invalid_input', 'coko keys create needs --kind secret|publishable');
    const kind = parseKeyKind(values.kind);
    const created = await runAdmin((ctx) => createKey(ctx, partner, kind, { label: values.label }));
    console.log(`
  New ${kind} key for ${created.partner.name} (${created.partner.slug})

  key id   ${created.keyId}
  key      ${created.key}

  Shown once and cannot be recovered (only its hash is stored): store it now.${
    kind === 'secret' ? '\n  Secret keys are for your backend only: never ship them to a browser or an app.' : ''
  }
`);
    return 0;
  }

  if (name === 'list') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { json: { type: 'boolean' } },
    });
    const partner = one(positionals, 'a partner id or slug: coko keys list <partner>');
    const keys = await runAdmin((ctx) => listKeys(ctx, partner));
    if (values.json) {
      console.log(JSON.stringify(keys, null, 2));
      return 0;
    }
    if (keys.length === 0) {
      console.log(`No keys: coko keys create ${partner} --kind secret`);
      return 0;
    }
    console.log(
      table(
        ['KEY ID', 'KIND', 'STATE', 'LABEL', 'CREATED', 'EXPIRES', 'REVOKED', 'LAST USED'],
        keys.map((k) => [
          k.keyId,
          k.kind,
          k.state,
          k.label ?? '',
          isoMinute(k.createdAt),
          isoMinute(k.expiresAt),
          isoMinute(k.revokedAt),
          isoMinute(k.lastUsedAt),
        ]),
      ),
    );
    return 0;
  }

  if (name === 'rotate') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { overlap: { type: 'string' }, label: { type: 'string' } },
    });
    const keyId = one(positionals, 'a key id: coko keys rotate <key id> [--overlap 24h]');
    const rotated = await runAdmin((ctx) => rotateKey(ctx, keyId, { overlap: values.overlap, label: values.label }));
    console.log(`
  Rotated ${rotated.key.kind} key ${rotated.previous.keyId} of ${rotated.partner.name} (${rotated.partner.slug})

  new key id  ${rotated.key.keyId}
  new key     ${rotated.key.key}

  The new key is shown once: store it now and deploy it.
  The old key ${rotated.previous.keyId} works until ${rotated.previous.expiresAt.toISOString()}, then never again
  (\`coko keys revoke ${rotated.previous.keyId}\` ends it sooner).
`);
    return 0;
  }

  // revoke
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
  const keyId = one(positionals, 'a key id: coko keys revoke <key id>');
  const { key, changed } = await runAdmin((ctx) => revokeKey(ctx, keyId));
  if (!changed) {
    console.log(`Key ${key.keyId} was already revoked (${isoMinute(key.revokedAt)}).`);
    return 0;
  }
  console.log(`Revoked ${key.kind} key ${key.keyId} of partner ${key.partnerSlug}: it fails from now on.`);
  console.log(fields([['revoked at', key.revokedAt?.toISOString() ?? '']]));
  return 0;
}
