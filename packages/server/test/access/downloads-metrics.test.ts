// The access route counts downloads, and the stack's API (through the gateway) reports them with the
// other business series on /metrics, read from the database at scrape time.
import { describe, expect, it } from 'vitest';
import { adminQuery } from '../../../../supabase/tests/helpers.ts';
import { newBuyer } from '../../../../supabase/tests/payments-helpers.ts';
import { API, access, bookWithFile } from './helpers.ts';

/** The first row of a query. */
const one = async <R extends Record<string, unknown>>(text: string): Promise<R> => (await adminQuery<R>(text))[0] as R;

const sample = (text: string, line: RegExp) => Number(text.match(line)?.[1] ?? Number.NaN);

describe('downloads on /metrics', () => {
  it('each access grant counts once (today, and for the book); refusals do not count', async () => {
    const reader = (await newBuyer()).id;
    const free = await bookWithFile({ free: true });
    const paid = await bookWithFile({ price: 900 });
    const { before } = await one<{ before: string }>(
      'select coalesce(sum(downloads), 0) as before from private.download_days',
    );

    expect((await access(free, reader)).status).toBe(200);
    expect((await access(free, reader)).status).toBe(200);
    expect((await access(paid, reader)).status).toBe(403);

    const { total } = await one<{ total: string }>('select sum(downloads) as total from private.download_days');
    expect(Number(total) - Number(before)).toBe(2);
    expect(
      await adminQuery('select downloads from private.book_download_days where book_id = any($1)', [[free, paid]]),
    ).toEqual([{ downloads: 2 }]);

    // The stack's API has not scraped yet in this file: its first scrape reads the database now.
    const res = await fetch(`${API}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('coko_business_metrics_up 1');
    expect(sample(text, /^coko_downloads_total (\d+)$/m)).toBe(Number(total));
    const { direct } = await one<{ direct: string }>(
      'select count(*) as direct from public.profiles where partner_id is null',
    );
    expect(sample(text, /^coko_registrations_total\{partner="\(direct\)"\} (\d+)$/m)).toBe(Number(direct));
    expect(text).toMatch(/^coko_active_readers\{window="30d"\} \d+$/m);
    expect(text).toMatch(/^coko_db_connections\{state="idle"\} \d+$/m);
  });
});
