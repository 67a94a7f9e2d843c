import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import { type CheckResult, checkMigrations, pingDatabase, type Queryable, withTimeout } from '../db/index.ts';
import { timingSafeEqual } from '../identity/api-keys.ts';
import type { TokenService } from '../identity/tokens.ts';
import type { MetricsRegistry } from '../observability/metrics.ts';
import { CheckSchema, errorResponses } from './schemas.ts';

/** An extra readiness check (the job queue, a provider…); resolve to a {@link CheckResult}. */
export type ReadinessCheck = () => Promise<CheckResult>;

export interface HealthRoutesOptions {
  db: Queryable;
  metrics: MetricsRegistry;
  /** PostgREST base URL; `/ready` requires `GET {url}/` to answer below 500. */
  postgrestUrl?: string | undefined;
  /** Migration versions that must be recorded in `supabase_migrations.schema_migrations`. */
  expectedMigrations?: readonly string[] | undefined;
  readinessChecks?: Record<string, ReadinessCheck> | undefined;
  /** Timeout of each check (default 1000 ms). */
  checkTimeoutMs?: number | undefined;
  /** Monotonic clock in ms (default `performance.now`). */
  now?: (() => number) | undefined;
  fetch?: typeof fetch | undefined;
  /** `METRICS_TOKEN`: as a bearer token, it shows the details of `/health`. */
  metricsToken?: string | undefined;
  /** Recognises `service_role` tokens, which also see the details. */
  tokens?: Pick<TokenService, 'isServiceRole'> | undefined;
}

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    uptimeSeconds: z.number().optional(),
    checks: z.object({ database: CheckSchema }).optional(),
    requests: z.object({ total: z.number().int(), errors: z.number().int(), errorRate: z.number() }).optional(),
  })
  .openapi('Health', {
    description:
      'Anonymous callers get `status` only; with `Authorization: Bearer <METRICS_TOKEN>` or a `service_role` ' +
      'token, also uptime, the database check and request counts (they reveal traffic).',
  });

const ReadySchema = z
  .object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), CheckSchema) })
  .openapi('Readiness');

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['System'],
  summary: 'Liveness: the API runs and reaches its database',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: HealthSchema } } },
    503: {
      description: 'Degraded: the database did not answer',
      content: { 'application/json': { schema: HealthSchema } },
    },
    ...errorResponses,
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['System'],
  summary: 'Readiness: migrations applied, PostgREST reachable, extra checks pass',
  responses: {
    200: { description: 'Ready to serve traffic', content: { 'application/json': { schema: ReadySchema } } },
    503: {
      description: 'Not ready; each failing check says why',
      content: { 'application/json': { schema: ReadySchema } },
    },
    ...errorResponses,
  },
});

async function checkPostgrest(
  url: string,
  timeoutMs: number,
  now: () => number,
  fetcher: typeof fetch,
): Promise<CheckResult> {
  const started = now();
  try {
    const res = await withTimeout(
      fetcher(`${url}/`, { signal: AbortSignal.timeout(timeoutMs) }),
      timeoutMs,
      'PostgREST check',
    );
    await res.body?.cancel();
    const latencyMs = Math.round((now() - started) * 100) / 100;
    if (res.status >= 500) return { status: 'error', latencyMs, reason: `PostgREST answered ${res.status}` };
    return { status: 'ok', latencyMs };
  } catch (error) {
    const reason =
      error instanceof Error && /timed out|timeout|abort/i.test(`${error.name} ${error.message}`)
        ? `no answer within ${timeoutMs} ms`
        : 'unreachable';
    return { status: 'error', latencyMs: Math.round((now() - started) * 100) / 100, reason };
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  try {
    return await withTimeout(check(), timeoutMs, 'check');
  } catch (error) {
    return { status: 'error', reason: error instanceof Error ? error.message : 'failed' };
  }
}

const encoder = new TextEncoder();

/** Whether the caller may see traffic figures: the metrics token, or a service_role token. */
async function isOperator(authorization: string | undefined, options: HealthRoutesOptions): Promise<boolean> {
  const presented = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!presented) return false;
  if (options.metricsToken && timingSafeEqual(encoder.encode(presented), encoder.encode(options.metricsToken))) {
    return true;
  }
  return (await options.tokens?.isServiceRole(presented)) ?? false;
}

/** `GET /health` (liveness with a database ping) and `GET /ready` (migrations, PostgREST, extra checks). */
export function registerHealthRoutes(app: RoutesApp, options: HealthRoutesOptions): void {
  const timeoutMs = options.checkTimeoutMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  const fetcher = options.fetch ?? fetch;

  app.openapi(healthRoute, async (c) => {
    const [database, operator] = await Promise.all([
      pingDatabase(options.db, { timeoutMs, now }),
      isOperator(c.req.header('authorization'), options),
    ]);
    const snapshot = options.metrics.snapshot();
    const healthy = database.status === 'ok';
    c.header('Cache-Control', 'no-store');
    if (!operator) return c.json({ status: healthy ? ('ok' as const) : ('degraded' as const) }, healthy ? 200 : 503);
    return c.json(
      {
        status: healthy ? ('ok' as const) : ('degraded' as const),
        uptimeSeconds: Math.round(snapshot.uptimeSeconds * 1000) / 1000,
        checks: { database },
        requests: {
          total: snapshot.total,
          errors: snapshot.errors,
          errorRate: Math.round(snapshot.errorRate * 10_000) / 10_000,
        },
      },
      healthy ? 200 : 503,
    );
  });

  app.openapi(readyRoute, async (c) => {
    const entries: [string, Promise<CheckResult>][] = [
      ['database', pingDatabase(options.db, { timeoutMs, now })],
      ['migrations', checkMigrations(options.db, options.expectedMigrations ?? [], { timeoutMs, now })],
      [
        'postgrest',
        options.postgrestUrl
          ? checkPostgrest(options.postgrestUrl, timeoutMs, now, fetcher)
          : Promise.resolve({ status: 'skipped', reason: 'POSTGREST_URL not set' }),
      ],
      ...Object.entries(options.readinessChecks ?? {}).map(
        ([name, check]) => [name, runCheck(check, timeoutMs)] as [string, Promise<CheckResult>],
      ),
    ];
    const results = await Promise.all(entries.map(async ([name, result]) => [name, await result] as const));
    const checks = Object.fromEntries(results);
    const ready = results.every(([, result]) => result.status !== 'error');
    c.header('Cache-Control', 'no-store');
    return c.json({ status: ready ? ('ready' as const) : ('not_ready' as const), checks }, ready ? 200 : 503);
  });
}
