// The `payments` section of the GDPR export: the reader's orders, receipts, subscriptions and
// entitlements. Provider events and secrets are Coko's and the providers' records, not the reader's
// data (and the secrets must never leave the database), so they stay out.
import type { Exporter } from './registry.ts';

const rowsOf = async (db: Parameters<Exporter['export']>[0], sql: string, userId: string) => {
  const { rows } = await db.query(sql, [userId]);
  return (rows as { row: unknown }[]).map((r) => r.row);
};

export const paymentsExporter: Exporter = {
  name: 'payments',
  tables: ['public.orders', 'public.receipts', 'public.subscriptions', 'public.entitlements'],
  async export(db, userId) {
    return {
      orders: await rowsOf(
        db,
        `select to_jsonb(o) - 'user_id' - 'idempotency_key' - 'checkout_url' as row from public.orders o
          where o.user_id = $1 order by o.created_at, o.id`,
        userId,
      ),
      receipts: await rowsOf(
        db,
        `select to_jsonb(r) - 'user_id' as row from public.receipts r
          where r.user_id = $1 order by r.issued_at, r.id`,
        userId,
      ),
      subscriptions: await rowsOf(
        db,
        `select to_jsonb(s) - 'user_id' as row from public.subscriptions s
          where s.user_id = $1 order by s.created_at, s.id`,
        userId,
      ),
      entitlements: await rowsOf(
        db,
        `select to_jsonb(e) - 'user_id' as row from public.entitlements e
          where e.user_id = $1 order by e.created_at, e.id`,
        userId,
      ),
    };
  },
};
