// ops/prometheus/coko.rules.yml (promtool is not available here): the file has the shape Prometheus
// loads, every alert carries a severity, a summary, a description and a runbook that exists, and every
// expression names only series Coko's /metrics exports.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { createBusinessMetrics } from '../../src/observability/business-metrics.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const rulesText = readFileSync(join(root, 'ops/prometheus/coko.rules.yml'), 'utf8');
const runbook = readFileSync(join(root, 'ops/prometheus/RUNBOOK.md'), 'utf8');

const Duration = z.string().regex(/^\d+[smhd]$/);
const Rule = z
  .object({
    alert: z.string().regex(/^[A-Z][A-Za-z0-9]+$/),
    expr: z.string().min(1),
    for: Duration,
    labels: z.object({ severity: z.enum(['critical', 'warning']) }).strict(),
    annotations: z.object({ summary: z.string(), description: z.string(), runbook_url: z.string() }).strict(),
  })
  .strict();
const RulesFile = z
  .object({ groups: z.array(z.object({ name: z.string(), rules: z.array(Rule).min(1) }).strict()).min(1) })
  .strict();

/** Every series name Coko exports: the request families (a histogram's _bucket/_sum/_count) and the business ones. */
async function exportedSeries(): Promise<Set<string>> {
  const request = createMetrics();
  request.requestFinished({ method: 'GET', route: '/api/x', status: 500, durationMs: 1 });
  const business = await createBusinessMetrics({ db: { query: async () => ({ rows: [] }) } }).render();
  const names = new Set<string>();
  for (const match of (request.render() + business).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

/** The metric names an expression selects: identifiers outside strings, label matchers, ranges and groupings, not called as functions. */
function seriesNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\boffset\s+\d+[smhdwy]/g, '')
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/gi, '');
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)]
    .filter(([, name, call]) => !call && !KEYWORDS.has(name!))
    .map(([, name]) => name!);
}

describe('ops/prometheus/coko.rules.yml', () => {
  const file = RulesFile.parse(parse(rulesText));
  const rules = file.groups.flatMap((group) => group.rules);

  it('holds the seed alerts (5xx rate, p95 latency, database connections) and the payment failures spike', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(['HighErrorRate', 'HighResponseTime', 'DatabaseConnectionsHigh', 'PaymentFailuresSpike']),
    );
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
  });

  it('every expression names only series Coko exports, and names at least one', async () => {
    const exported = await exportedSeries();
    expect(exported).toContain('coko_http_request_duration_seconds_bucket');
    expect(exported).toContain('coko_payments_total');
    for (const rule of rules) {
      const names = seriesNamesIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      expect(
        names.filter((name) => !exported.has(name)),
        `${rule.alert} names series /metrics does not export`,
      ).toEqual([]);
    }
  });

  it('the name scan catches a series Coko does not export (the check can fail)', () => {
    expect(seriesNamesIn('histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 2')).toEqual([
      'http_request_duration_seconds_bucket',
    ]);
    expect(seriesNamesIn('pg_stat_activity_count > 80')).toEqual(['pg_stat_activity_count']);
    expect(seriesNamesIn('sum by (le) (rate(coko_x{status=~"5.."}[5m] offset 1h)) and on(job) coko_y')).toEqual([
      'coko_x',
      'coko_y',
    ]);
  });

  it('every runbook_url points at a section of ops/prometheus/RUNBOOK.md', () => {
    const anchors = new Set(
      [...runbook.matchAll(/^## (.+)$/gm)].map(([, title]) =>
        title!
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, ''),
      ),
    );
    for (const rule of rules) {
      const [path, anchor] = rule.annotations.runbook_url.split('#');
      expect(path, rule.alert).toBe('ops/prometheus/RUNBOOK.md');
      expect(anchors, rule.alert).toContain(anchor);
    }
  });
});

describe("README's metrics table", () => {
  it('lists every family /metrics exports, and nothing else', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const operations = readme.slice(
      readme.indexOf('## Operations'),
      readme.indexOf('\n## ', readme.indexOf('## Operations') + 1),
    );
    const documented = [...operations.matchAll(/^\| `(coko_[a-z_]+)` \|/gm)].map(([, name]) => name);
    const exported = await exportedSeries();
    // A histogram is one row: its _bucket, _sum and _count series are not listed separately.
    const families = [...exported].filter(
      (name) =>
        !['_bucket', '_sum', '_count'].some((end) => name.endsWith(end) && exported.has(name.slice(0, -end.length))),
    );
    expect([...documented].sort()).toEqual(families.sort());
  });
});
