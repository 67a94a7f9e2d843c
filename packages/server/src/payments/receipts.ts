import type { Receipt } from '../../../sdk/src/payments/types.ts';
import type { Queryable } from '../db/pool.ts';

export type { Receipt };

interface ReceiptRow {
  id: string;
  order_id: string;
  number: number;
  issued_at: Date;
  amount: number;
  currency: string;
  language: 'fr' | 'en';
  lines: unknown;
}

const COLUMNS = 'r.id, r.order_id, r.number, r.issued_at, r.amount, r.currency, r.language, r.lines';

function linesOf(snapshot: unknown): Receipt['lines'] {
  // `lines` is a snapshot that also holds the buyer and provider reference; the API lists what was bought.
  const items = Array.isArray(snapshot)
    ? snapshot
    : ((snapshot as { items?: unknown; lines?: unknown } | null)?.items ??
      (snapshot as { lines?: unknown } | null)?.lines ??
      []);
  if (!Array.isArray(items)) return [];
  return items.flatMap((item) =>
    item && typeof item === 'object' && typeof (item as { label?: unknown }).label === 'string'
      ? [{ label: (item as { label: string }).label, amount: Number((item as { amount?: unknown }).amount ?? 0) }]
      : [],
  );
}

function receiptJson(row: ReceiptRow): Receipt {
  return {
    id: row.id,
    orderId: row.order_id,
    number: Number(row.number),
    issuedAt: row.issued_at.toISOString(),
    amount: Number(row.amount),
    currency: row.currency.trim(),
    language: row.language,
    lines: linesOf(row.lines),
  };
}

/** The reader's receipts, newest first. */
export async function listReceipts(db: Queryable, userId: string): Promise<Receipt[]> {
  const { rows } = await db.query(
    `select ${COLUMNS} from public.receipts r join public.orders o on o.id = r.order_id
     where o.user_id = $1 order by r.issued_at desc, r.id desc`,
    [userId],
  );
  return (rows as ReceiptRow[]).map(receiptJson);
}

/** What a printed receipt names besides the JSON: the partner, the buyer and the payment (receipts/model.ts). */
export interface ReceiptParties {
  partner: { name: string; slug: string } | null;
  buyer: string | null;
  payment: { provider: string; reference: string | null } | null;
}

/** One of the reader's receipts with its parties, for the Markdown and PDF renderings; undefined if not theirs. */
export async function findReceiptDocument(
  db: Queryable,
  userId: string,
  id: string,
): Promise<{ receipt: Receipt; parties: ReceiptParties } | undefined> {
  const { rows } = await db.query(
    `select ${COLUMNS}, p.name as partner_name, p.slug as partner_slug
     from public.receipts r join public.orders o on o.id = r.order_id
     left join private.partners p on p.id = r.partner_id
     where r.id = $1 and o.user_id = $2`,
    [id, userId],
  );
  const row = rows[0] as (ReceiptRow & { partner_name: string | null; partner_slug: string | null }) | undefined;
  if (!row) return undefined;
  // The snapshot taken at payment time, so a later change of name or reference never rewrites a receipt.
  const snapshot = (row.lines ?? {}) as {
    buyer?: { name?: unknown } | null;
    provider?: unknown;
    providerReference?: unknown;
  };
  const buyer = typeof snapshot.buyer?.name === 'string' ? snapshot.buyer.name : null;
  return {
    receipt: receiptJson(row),
    parties: {
      partner: row.partner_name && row.partner_slug ? { name: row.partner_name, slug: row.partner_slug } : null,
      buyer,
      payment:
        typeof snapshot.provider === 'string'
          ? {
              provider: snapshot.provider,
              reference: typeof snapshot.providerReference === 'string' ? snapshot.providerReference : null,
            }
          : null,
    },
  };
}

/** One of the reader's receipts, or undefined (another reader's receipt is as absent as a missing one). */
export async function findReceipt(db: Queryable, userId: string, id: string): Promise<Receipt | undefined> {
  const { rows } = await db.query(
    `select ${COLUMNS} from public.receipts r join public.orders o on o.id = r.order_id
     where r.id = $1 and o.user_id = $2`,
    [id, userId],
  );
  const row = rows[0] as ReceiptRow | undefined;
  return row ? receiptJson(row) : undefined;
}
