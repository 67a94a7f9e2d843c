import type { Plan } from '../../../sdk/src/payments/types.ts';
import type { Queryable } from '../db/pool.ts';

export type { Plan };

interface PlanRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  interval: 'month' | 'year';
  category_ids: string[];
  prices: { currency: string; amount: number }[];
}

/**
 * Active plans offered to a reader: every partner's plans (`partner_id` null) plus the reader's partner's own.
 * Anonymous callers (`partnerId` undefined) see the shared plans only.
 */
export async function listPlans(db: Queryable, partnerId: string | undefined): Promise<Plan[]> {
  const { rows } = await db.query(
    `select p.id, p.slug, p.name, p.description, p.interval::text as interval, p.category_ids,
       coalesce((select jsonb_agg(jsonb_build_object('currency', pp.currency, 'amount', pp.amount) order by pp.currency)
                 from public.plan_prices pp where pp.plan_id = p.id), '[]'::jsonb) as prices
     from public.plans p
     where p.is_active and (p.partner_id is null or p.partner_id = $1)
     order by p.interval, p.slug`,
    [partnerId ?? null],
  );
  return (rows as PlanRow[]).map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    interval: row.interval,
    categoryIds: row.category_ids,
    prices: row.prices.map((price) => ({ currency: price.currency.trim(), amount: Number(price.amount) })),
  }));
}
