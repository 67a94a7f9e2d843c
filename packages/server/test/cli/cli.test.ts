// The real `coko` binary (node packages/server/bin/coko.mjs) against this file's database: proves the
// commands are wired, print keys only when they are created, and exit 1 with a clear message on errors.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '../../src/stack/index.ts';

const repoRoot = findRepoRoot();

import { auditOf, postSession, SEED_ADMIN, SEED_READER, stack, unique } from './helpers.ts';

const BIN = join(repoRoot, 'packages', 'server', 'bin', 'coko.mjs');

function coko(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: stack.adminDatabaseUrl, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const SECRET = /sk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}/;
const PUBLISHABLE = /pk_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}/;

describe('coko partners / keys / roles (the binary)', () => {
  it('creates a partner, lists it without secrets, rotates and revokes its key', { timeout: 120_000 }, async () => {
    const name = unique('CLI Partner');
    const created = await coko([
      'partners',
      'create',
      '--name',
      name,
      '--origin',
      'https://cli.example.com',
      '--origin',
      'http://localhost:5173',
      '--country',
      'SN',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('shown once');
    const secretKey = created.stdout.match(SECRET)?.[0] as string;
    expect(secretKey).toBeDefined();
    expect(created.stdout).toMatch(PUBLISHABLE);
    const id = created.stdout.match(/id\s+([0-9a-f-]{36})/)?.[1];
    expect(id).toBeDefined();
    expect((await postSession(secretKey, 'cli-user')).status).toBe(200);

    const listed = await coko(['partners', 'list']);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes(id as string)) ?? '';
    expect(line).toMatch(/active/);
    expect(line).toContain('https://cli.example.com,http://localhost:5173');
    expect(line).toMatch(/\b2\/2\b/);
    expect(listed.stdout).not.toMatch(SECRET);
    expect(listed.stdout).not.toMatch(PUBLISHABLE);

    const keyId = secretKey.split('_')[1] as string;
    const keys = await coko(['keys', 'list', id as string]);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toContain(keyId);
    expect(keys.stdout).not.toMatch(SECRET);

    const rotated = await coko(['keys', 'rotate', keyId, '--overlap', '1h']);
    expect(rotated.code).toBe(0);
    const newKey = rotated.stdout.match(SECRET)?.[0] as string;
    expect(newKey).toBeDefined();
    expect(newKey).not.toBe(secretKey);
    expect(rotated.stdout).toContain(`The old key ${keyId} works until`);
    expect((await postSession(secretKey, 'cli-user')).status).toBe(200);
    expect((await postSession(newKey, 'cli-user')).status).toBe(200);

    const revoked = await coko(['keys', 'revoke', keyId]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked secret key ${keyId}`);
    expect(revoked.stdout).not.toMatch(SECRET);
    expect((await postSession(secretKey, 'cli-user')).status).toBe(401);
    expect((await postSession(newKey, 'cli-user')).status).toBe(200);
  });

  it('shows the webhook secret once at creation and rotates it with an overlap', { timeout: 120_000 }, async () => {
    const WEBHOOK_SECRET = /whsec_[0-9a-f]{64}/g;
    const created = await coko([
      'partners',
      'create',
      '--name',
      unique('Webhook Partner'),
      '--webhook',
      'https://partner.example/hooks',
    ]);
    expect(created.code).toBe(0);
    const first = created.stdout.match(WEBHOOK_SECRET)?.[0];
    expect(first).toBeDefined();
    const id = created.stdout.match(/id\s+([0-9a-f-]{36})/)?.[1] as string;
    const shown = await coko(['partners', 'show', id, '--json']);
    expect(shown.stdout).not.toMatch(WEBHOOK_SECRET);

    const rotated = await coko(['partners', 'webhook-secret', id, '--overlap', '1h', '--json']);
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    const result = JSON.parse(rotated.stdout) as { partnerId: string; secret: string; previousValidUntil: string };
    expect(result.partnerId).toBe(id);
    expect(result.secret).toMatch(WEBHOOK_SECRET);
    expect(result.secret).not.toBe(first);
    const overlapMs = Date.parse(result.previousValidUntil) - Date.now();
    expect(overlapMs).toBeGreaterThan(50 * 60_000);
    expect(overlapMs).toBeLessThanOrEqual(60 * 60_000);
    // Audited without the secret.
    const audit = await auditOf('partner', id);
    const entry = audit.find((row) => row.action === 'partner.webhook_secret_rotate');
    expect(entry?.new_values).toEqual({ overlapSeconds: 3600 });
    expect(JSON.stringify(audit)).not.toMatch(WEBHOOK_SECRET);

    const unknown = await coko(['partners', 'webhook-secret', 'no-such-partner']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no-such-partner');
  });

  it('exits 1 with a clear message on unknown partners, bad roles and bad input', { timeout: 90_000 }, async () => {
    const [unknownPartner, badRole, badKind, noName, help] = await Promise.all([
      coko(['partners', 'suspend', 'no-such-partner']),
      coko(['roles', 'grant', SEED_READER.email, 'superuser']),
      coko(['keys', 'create', 'no-such-partner', '--kind', 'private']),
      coko(['partners', 'create', '--origin', 'https://x.example']),
      coko(['partners', '--help']),
    ]);
    expect(unknownPartner.code).toBe(1);
    expect(unknownPartner.stderr).toContain('No partner with id or slug "no-such-partner"');
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('Unknown role "superuser": use admin or moderator');
    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toContain('secret or publishable');
    expect(noName.code).toBe(1);
    expect(noName.stderr).toContain('--name');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: coko partners');
  });

  it('grants and revokes roles, recording COKO_ACTOR and the OS user in the audit log', {
    timeout: 90_000,
  }, async () => {
    const granted = await coko(['roles', 'grant', SEED_READER.email, 'moderator'], { COKO_ACTOR: SEED_ADMIN.email });
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain(`Granted moderator to ${SEED_READER.email}`);
    const listed = await coko(['roles', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`moderator\\s+${SEED_READER.id}`));
    const revoked = await coko(['roles', 'revoke', SEED_READER.id, 'moderator']);
    expect(revoked.code).toBe(0);
    const audit = (await auditOf('user_role', SEED_READER.id)).filter(
      (entry) => entry.new_values?.role === 'moderator' || entry.old_values?.role === 'moderator',
    );
    expect(audit.map((entry) => [entry.action, entry.actor_id, entry.user_agent])).toEqual([
      ['user_role.insert', SEED_ADMIN.id, expect.stringMatching(/^coko-cli \(cli:.+\)$/)],
      ['user_role.delete', null, expect.stringMatching(/^coko-cli \(cli:.+\)$/)],
    ]);
  });
});
