// Business series of /metrics (registrations, downloads, payments, active readers, database errors and
// connections), computed by the database at scrape time so every API process — Node or the edge
// function — reports the same numbers. One query (private.business_metrics()), cached per process so a
// burst of scrapes costs at most one query per `ttlMs`.
import type { Queryable } from '../db/pool.ts';

/** One metric family Coko exports: its name, Prometheus type and help text. */
export interface SeriesInfo {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  /** Label names, in order. */
  labels: readonly string[];
}

/** The business families, in the order they are rendered (documented in the README's Operations table). */
export const BUSINESS_SERIES: readonly SeriesInfo[] = [
  {
    name: 'coko_registrations_total',
    type: 'counter',
    help: 'Reader accounts created, by partner slug ("(direct)" for first-party sign-ups).',
    labels: ['partner'],
  },
  {
    name: 'coko_downloads_total',
    type: 'counter',
    help: 'Downloads: books opened through GET /v1/books/{id}/access (access grants).',
    labels: [],
  },
  {
    name: 'coko_payments_total',
    type: 'counter',
    help: 'Orders by payment provider and current status (pending goes down as orders settle).',
    labels: ['provider', 'status'],
  },
  {
    name: 'coko_payments_amount_total',
    type: 'counter',
    help: "Amount of orders ever paid (refunded ones included), in the currency's minor unit.",
    labels: ['provider', 'currency'],
  },
  {
    name: 'coko_active_readers',
    type: 'gauge',
    help: 'Readers who read (saved a position or a session) within the window.',
    labels: ['window'],
  },
  {
    name: 'coko_database_errors_total',
    type: 'counter',
    help: 'Database errors from pg_stat_database: rolled back transactions, deadlocks, recovery conflicts.',
    labels: ['kind'],
  },
  {
    name: 'coko_db_connections',
    type: 'gauge',
    help: "Client connections to Coko's database by state (pg_stat_activity).",
    labels: ['state'],
  },
  { name: 'coko_db_max_connections', type: 'gauge', help: "The database's max_connections.", labels: [] },
  {
    name: 'coko_business_metrics_up',
    type: 'gauge',
    help: '1 when the business series above were read from the database, 0 when that failed.',
    labels: [],
  },
];

/** Default and maximum cache lifetime: the contract's "≤ 15 s per process". */
export const BUSINESS_METRICS_TTL_MS = 15_000;

export interface BusinessMetricsOptions {
  /** The API's pool (the only role allowed to run private.business_metrics()). */
  db: Queryable;
  /** How long one database read serves scrapes, in ms (default and maximum 15 000). */
  ttlMs?: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /** Told why a read failed (the scrape still answers, with `coko_business_metrics_up 0`). */
  onError?: (error: unknown) => void;
}

export interface BusinessMetrics {
  /** The business families in Prometheus text format (ends with a newline). */
  render(): Promise<string>;
}

interface Row {
  name: string;
  labels: Record<string, string>;
  value: string | number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function sampleLine(row: Row): string {
  const labels = Object.entries(row.labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}="${escapeLabel(String(value))}"`)
    .join(',');
  return `${row.name}${labels ? `{${labels}}` : ''} ${Number(row.value)}`;
}

function renderRows(rows: readonly Row[] | null): string {
  const lines: string[] = [];
  for (const series of BUSINESS_SERIES) {
    lines.push(`# HELP ${series.name} ${series.help}`, `# TYPE ${series.name} ${series.type}`);
    if (series.name === 'coko_business_metrics_up') lines.push(`${series.name} ${rows ? 1 : 0}`);
    for (const row of rows ?? []) if (row.name === series.name) lines.push(sampleLine(row));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads the business series from the database at most once per `ttlMs` (concurrent scrapes share one
 * query). A failed read renders `coko_business_metrics_up 0` and no business samples (stale numbers would
 * mislead), and is retried on the next scrape.
 *
 * @example
 * ```ts
 * const business = createBusinessMetrics({ db: pool })
 * await business.render() // # TYPE coko_registrations_total counter\ncoko_registrations_total{partner="(direct)"} 12 …
 * ```
 */
export function createBusinessMetrics(options: BusinessMetricsOptions): BusinessMetrics {
  const { db, now } = { now: Date.now, ...options };
  const ttlMs = Math.min(Math.max(0, options.ttlMs ?? BUSINESS_METRICS_TTL_MS), BUSINESS_METRICS_TTL_MS);
  let cached: { at: number; text: string } | null = null;
  let pending: Promise<string> | null = null;

  const read = async (): Promise<string> => {
    const startedAt = now();
    try {
      const { rows } = await db.query('select name, labels, value from private.business_metrics()');
      const text = renderRows(rows as Row[]);
      cached = { at: startedAt, text };
      return text;
    } catch (error) {
      options.onError?.(error);
      cached = null;
      return renderRows(null);
    } finally {
      pending = null;
    }
  };

  return {
    render() {
      if (cached && now() - cached.at < ttlMs) return Promise.resolve(cached.text);
      pending ??= read();
      return pending;
    },
  };
}
