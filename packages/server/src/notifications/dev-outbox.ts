import type { Queryable } from '../db/pool.ts';
import { queryRows } from './query.ts';

export interface DevOutboxMessage {
  id: number;
  channel: string;
  to: string;
  subject: string | null;
  text: string;
  html: string | null;
  data: Record<string, unknown>;
  unsubscribeUrl: string | null;
  createdAt: string;
}

/** The latest messages the local adapters "sent", newest first (`coko dev`'s outbox). */
export async function listDevOutbox(
  db: Queryable,
  { limit = 50, channel, to }: { limit?: number; channel?: string | undefined; to?: string | undefined } = {},
): Promise<DevOutboxMessage[]> {
  const rows = await queryRows<DevOutboxMessage>(
    db,
    `select id::int as id, channel, recipient as "to", subject, body as text, html, data,
            unsubscribe_url as "unsubscribeUrl", to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt"
       from private.dev_outbox
      where ($2::text is null or channel = $2) and ($3::text is null or recipient = $3)
      order by id desc
      limit $1`,
    [limit, channel ?? null, to ?? null],
  );
  return rows;
}
