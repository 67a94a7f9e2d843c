// The business series' cache (≤ 15 s per process, one query per scrape burst) with a fake clock, the
// rendering of the database's rows, and a failed read.
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/pool.ts';
import { BUSINESS_SERIES, createBusinessMetrics } from '../../src/observability/business-metrics.ts';

function countingDb(rows: () => unknown[]): Queryable & { calls: number } {
  const db = {
    calls: 0,
    async query(text: string) {
      db.calls += 1;
      expect(text).toBe('select name, labels, value from private.business_metrics()');
      return { rows: rows() };
    },
  };
  return db;
}

describe('business metrics', () => {
  it('renders every family with HELP and TYPE, and the rows as samples with sorted, escaped labels', async () => {
    const db = countingDb(() => [
      { name: 'coko_payments_total', labels: { status: 'paid', provider: 'wave' }, value: '3' },
      { name: 'coko_registrations_total', labels: { partner: 'a"b' }, value: '12' },
      { name: 'coko_downloads_total', labels: {}, value: '7' },
    ]);
    const text = await createBusinessMetrics({ db }).render();
    const lines = text.trimEnd().split('\n');
    for (const series of BUSINESS_SERIES) expect(lines).toContain(`# TYPE ${series.name} ${series.type}`);
    expect(lines).toContain('coko_payments_total{provider="wave",status="paid"} 3');
    expect(lines).toContain('coko_registrations_total{partner="a\\"b"} 12');
    expect(lines).toContain('coko_downloads_total 7');
    expect(lines).toContain('coko_business_metrics_up 1');
    // Samples follow their own family's header.
    expect(lines.indexOf('coko_downloads_total 7')).toBe(lines.indexOf('# TYPE coko_downloads_total counter') + 1);
  });

  it('reads the database at most once per 15 s, and concurrent scrapes share one read', async () => {
    let clock = 1_000_000;
    let downloads = 1;
    const db = countingDb(() => [{ name: 'coko_downloads_total', labels: {}, value: String(downloads) }]);
    const business = createBusinessMetrics({ db, now: () => clock });

    const [a, b] = await Promise.all([business.render(), business.render()]);
    expect(db.calls).toBe(1);
    expect(a).toBe(b);
    downloads = 2;
    clock += 14_999;
    expect(await business.render()).toContain('coko_downloads_total 1');
    expect(db.calls).toBe(1);
    clock += 1;
    expect(await business.render()).toContain('coko_downloads_total 2');
    expect(db.calls).toBe(2);
  });

  it('never caches longer than 15 s, whatever ttlMs says', async () => {
    let clock = 0;
    const db = countingDb(() => []);
    const business = createBusinessMetrics({ db, now: () => clock, ttlMs: 60_000 });
    await business.render();
    clock = 15_000;
    await business.render();
    expect(db.calls).toBe(2);
  });

  it('a failed read answers coko_business_metrics_up 0 without samples, reports the error, and retries next scrape', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const db = {
      async query() {
        if (fail) throw Object.assign(new Error('relation does not exist'), { code: '42883' });
        return { rows: [{ name: 'coko_downloads_total', labels: {}, value: '4' }] };
      },
    };
    const business = createBusinessMetrics({ db, now: () => 0, onError: (error) => errors.push(error) });
    const down = await business.render();
    expect(down).toContain('coko_business_metrics_up 0');
    expect(down).not.toMatch(/^coko_downloads_total /m);
    expect(errors).toHaveLength(1);
    fail = false;
    const up = await business.render();
    expect(up).toContain('coko_business_metrics_up 1');
    expect(up).toContain('coko_downloads_total 4');
  });
});
