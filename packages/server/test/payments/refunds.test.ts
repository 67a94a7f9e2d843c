// Refunds through POST /v1/admin/orders/{id}/refund and `coko orders refund` (its admin function): the order
// becomes refunded and the entitlement is revoked; only admins may.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliActor, refundOrder } from '../../src/admin/index.ts';
import { findRepoRoot } from '../../src/stack/index.ts';
import {
  app,
  db,
  declareQueues,
  get,
  newBook,
  newPartner,
  newReader,
  openOrder,
  orderStatus,
  type Partner,
  type Reader,
  sql,
  stack,
} from './helpers.ts';

/** The real `coko` binary against this file's database. */
function coko(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const repoRoot = findRepoRoot();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'packages', 'server', 'bin', 'coko.mjs'), ...args],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: stack.adminDatabaseUrl }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

let partner: Partner;
let adminReader: Reader;

beforeAll(async () => {
  await declareQueues();
  partner = await newPartner();
  adminReader = await newReader(partner);
  await sql(`insert into public.user_roles (user_id, role) values ($1, 'admin')`, [adminReader.id]);
});

async function paidOrder() {
  const reader = await newReader(partner);
  const { order } = await openOrder(reader, await newBook());
  await sql('select private.mark_order_paid($1, null, now())', [order.id]);
  return { reader, order };
}

const refund = (token: string, orderId: string, body: unknown = { reason: 'livre en double' }) =>
  app.request(`/api/v1/admin/orders/${orderId}/refund`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('refunds', () => {
  it('an admin refunds a paid order: refunded, entitlement revoked, audited', async () => {
    const { reader, order } = await paidOrder();
    expect(((await (await get(reader, '/v1/entitlements')).json()) as { data: unknown[] }).data).toHaveLength(1);
    const response = await refund(adminReader.token, order.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ changed: true, order: { id: order.id, status: 'refunded' } });
    expect(((await (await get(reader, '/v1/entitlements')).json()) as { data: unknown[] }).data).toEqual([]);
    const all = (await (await get(reader, '/v1/entitlements?all=true')).json()) as { data: { revokedAt: string }[] };
    expect(all.data[0]?.revokedAt).toEqual(expect.any(String));
    const [audit] = await sql<{ n: number }>(
      `select count(*)::int as n from public.audit_logs where action = 'order.refund' and resource_id = $1 and actor_id = $2`,
      [order.id, adminReader.id],
    );
    expect(audit?.n).toBe(1);
    expect((await (await refund(adminReader.token, order.id)).json()) as { changed: boolean }).toMatchObject({
      changed: false,
    });
  });

  it('a reader may not refund (403); a pending order cannot be (409); an unknown one is 404', async () => {
    const { reader, order } = await paidOrder();
    expect((await refund(reader.token, order.id)).status).toBe(403);
    expect(await orderStatus(order.id)).toBe('paid');
    const { order: pending } = await openOrder(reader, await newBook());
    expect((await refund(adminReader.token, pending.id)).status).toBe(409);
    expect((await refund(adminReader.token, crypto.randomUUID())).status).toBe(404);
    expect((await refund(adminReader.token, order.id, { reason: '' })).status).toBe(400);
  });

  it('coko orders refund refunds and revokes; exits 1 on a pending order', { timeout: 90_000 }, async () => {
    const { order } = await paidOrder();
    const done = await coko(['orders', 'refund', order.id, '--reason', 'remboursement client']);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Order ${order.id} refunded (1500 XOF)`);
    expect(await orderStatus(order.id)).toBe('refunded');
    const { order: pending } = await openOrder(await newReader(partner), await newBook());
    const refused = await coko(['orders', 'refund', pending.id, '--reason', 'x']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not paid');
  });

  it('the CLI path (refundOrder) refunds and revokes too', async () => {
    const { order } = await paidOrder();
    const result = await refundOrder({ db, actor: cliActor() }, order.id, 'chargeback');
    expect(result).toMatchObject({ changed: true, order: { status: 'refunded' } });
    const [row] = await sql<{ revoked: boolean }>(
      'select revoked_at is not null as revoked from public.entitlements where order_id = $1',
      [order.id],
    );
    expect(row?.revoked).toBe(true);
  });
});
