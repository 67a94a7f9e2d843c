import { OpenAPIHono } from '@hono/zod-openapi';
import type { BlankSchema } from 'hono/types';
import type { Config } from '../config/load.ts';
import type { Queryable } from '../db/pool.ts';
import { type ExportRegistry, exportRegistry } from '../gdpr/index.ts';
import { tokenServiceFromConfig } from '../identity/index.ts';
import type { TokenService } from '../identity/tokens.ts';
import { QUEUES } from '../jobs/queues.ts';
import { jobQueueCheck } from '../jobs/readiness.ts';
import { jobSender, type SendJob } from '../jobs/send.ts';
import { type AppLimits, limitsFromConfig } from '../limits/from-config.ts';
import { accessLog } from '../middleware/access-log.ts';
import { bodyLimit } from '../middleware/body-limit.ts';
import { clientRateLimit } from '../middleware/client-rate-limit.ts';
import { cors } from '../middleware/cors.ts';
import { methodNotAllowed } from '../middleware/method-not-allowed.ts';
import { collectMetrics } from '../middleware/metrics.ts';
import { requestId } from '../middleware/request-id.ts';
import { securityHeaders } from '../middleware/security-headers.ts';
import { timeout } from '../middleware/timeout.ts';
import { type UnsubscribeTokens, unsubscribeSecret, unsubscribeTokens } from '../notifications/unsubscribe-token.ts';
import { type BusinessMetrics, createBusinessMetrics } from '../observability/business-metrics.ts';
import type { CaptureException } from '../observability/index.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics, type MetricsRegistry } from '../observability/metrics.ts';
import { type PaymentProviders, paymentProvidersFromConfig, paymentsReadiness } from '../providers/payments/index.ts';
import { storageFromConfig, urlSignerFromConfig } from '../providers/storage/from-config.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { registerAccessRoutes } from '../routes/access.ts';
import { registerAdminBookRoutes } from '../routes/admin-catalog-books.ts';
import { registerAdminCatalogEntityRoutes } from '../routes/admin-catalog-entities.ts';
import { registerAdminOrderRoutes } from '../routes/admin-orders.ts';
import { registerUploadRoutes, UPLOAD_CHUNK_BODY_LIMIT, UPLOAD_DISCOVERY_PATH } from '../routes/admin-uploads.ts';
import { registerCheckoutRoutes } from '../routes/checkout.ts';
import { registerDocsRoutes } from '../routes/docs.ts';
import { registerEpubFileRoutes } from '../routes/epub-files.ts';
import { type FileRoutesOptions, registerFileRoutes } from '../routes/files.ts';
import { type ReadinessCheck, registerHealthRoutes } from '../routes/health.ts';
import { registerJwksRoutes } from '../routes/jwks.ts';
import { registerMeRoutes } from '../routes/me.ts';
import { registerMetricsRoutes } from '../routes/metrics.ts';
import { type NotesRoutesOptions, registerNotesRoutes } from '../routes/notes.ts';
import { registerNotificationRoutes } from '../routes/notifications.ts';
import { registerPartnerModerationRoutes } from '../routes/partner-moderation.ts';
import { registerPartnerOrderRoutes } from '../routes/partner-orders.ts';
import { registerPurchaseRoutes } from '../routes/purchases.ts';
import { registerReceiptFileRoutes } from '../routes/receipt-files.ts';
import { registerRootRoutes } from '../routes/root.ts';
import { registerSandboxCheckoutRoutes } from '../routes/sandbox-checkout.ts';
import { registerSessionRoutes } from '../routes/sessions.ts';
import { registerShareRoutes } from '../routes/share.ts';
import { registerWebhookRoutes } from '../routes/webhooks.ts';
import type { AppEnv } from './env.ts';
import { createErrorHandler, notFoundHandler, validationHook } from './errors.ts';

export type { AppEnv } from './env.ts';
export { ApiError, type ErrorBody, type ErrorCode, errorResponse, isApiError } from './errors.ts';

/** Where Supabase (and the local gateway) deliver the function's requests: `/functions/v1/api/*` arrives as `/api/*`. */
export const API_BASE_PATH = '/api';

export interface AppDeps {
  config: Config;
  /** The database: a `pg.Pool` (see `createPool`) or anything with `query(text, values)`. */
  db: Queryable;
  /** PostgREST base URL checked by `/ready` (default `config.postgrestUrl`). */
  postgrestUrl?: string | undefined;
  /** Default: JSON lines at `config.logLevel`. */
  logger?: Logger | undefined;
  /** Receives unexpected errors with the id the client sees (Sentry in the Node entry). */
  captureException?: CaptureException | undefined;
  /** Migration versions `/ready` requires in `supabase_migrations.schema_migrations`. */
  expectedMigrations?: readonly string[] | undefined;
  /** Extra `/ready` checks by name (job queue, providers…). */
  readinessChecks?: Record<string, ReadinessCheck> | undefined;
  /** Monotonic clock in ms for durations (default `performance.now`). */
  now?: (() => number) | undefined;
  /** Shared metrics registry (default: a new one). */
  metrics?: MetricsRegistry | undefined;
  /** Business series of `/metrics` (default: read from `db`, cached 15 s); `false` for none. */
  businessMetrics?: BusinessMetrics | false | undefined;
  /** Reported by `GET /` and the OpenAPI document (default `0.0.0-dev`). */
  version?: string | undefined;
  /** `fetch` used by `/ready` to reach PostgREST (default global fetch). */
  fetch?: typeof fetch | undefined;
  /** Mints and verifies user tokens (default: from `config.jwt` and `config.jwtSecret`). */
  tokens?: TokenService | undefined;
  /** GDPR exporters behind `GET /v1/me/export` (default: the shared registry, see gdpr/registry.ts). */
  exporters?: ExportRegistry | undefined;
  /** Notes PDF export: caps, render deadline, renderer (defaults in routes/notes.ts); its fonts also print receipts. */
  notes?: Pick<NotesRoutesOptions, 'pdfLimits' | 'pdfTimeoutMs' | 'pdfRenderer' | 'fonts'> | undefined;
  /**
   * Rate limits (default: `config.rateLimits` counted in `db`, shared with every other process; see
   * limits/from-config.ts). Pass the gateway's to share leases; `false` for none.
   */
  limits?: AppLimits | false | undefined;
  /** Book files and covers (default: `storageFromConfig(config)`, see providers/storage). */
  storage?: StoragePort | undefined;
  /** The local signed files route (`STORAGE=local`): its wall clock. */
  files?: Pick<FileRoutesOptions, 'now'> | undefined;
  /** Payment providers (default: from `config`, with `fetch`); `/ready` reports each one's status. */
  payments?: PaymentProviders | undefined;
  /** Enqueues jobs (default: pg-boss's send through `db`); the webhook route sends `payments.process-event`. */
  sendJob?: SendJob | undefined;
  /** Wall clock of payments and idempotency keys (default `new Date()`). */
  clock?: (() => Date) | undefined;
}

/** The API app: an `OpenAPIHono` whose routes live under `/api`. */
export type CokoApp = OpenAPIHono<AppEnv, BlankSchema, typeof API_BASE_PATH>;

/**
 * Builds the runtime-agnostic Coko API (Web-standard Request/Response only): middleware, the one error format,
 * system routes (`/api/health`, `/api/ready`, `/api/metrics`, `/api/openapi.json`, `/api/reference`, `/api`).
 * Node (`node.ts`) and Deno (`edge/main.ts`, bundled into `supabase/functions/api/`) entries only wire it up.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env)
 * const app = createApp({ config, db: createPool(config) })
 * const res = await app.request('/api/health')
 * ```
 */
export function createApp(deps: AppDeps): CokoApp {
  const { config } = deps;
  const logger = deps.logger ?? createLogger({ level: config.logLevel, base: { service: 'coko-api' } });
  const metrics = deps.metrics ?? createMetrics();
  const now = deps.now ?? (() => performance.now());
  const version = deps.version ?? '0.0.0-dev';

  // Middleware goes on the root so that every path (even outside /api) gets ids, headers and the error format;
  // routes go on the /api instance, whose fetch is the one to serve (both share one router).
  const root = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const app: CokoApp = root.basePath(API_BASE_PATH);

  root.use(
    '*',
    requestId(),
    accessLog({ logger, now }),
    collectMetrics({ registry: metrics, now }),
    securityHeaders(),
    cors({ origins: config.corsOrigins, plainOptionsPaths: UPLOAD_DISCOVERY_PATH }),
    methodNotAllowed({ app }),
    timeout({ ms: config.requestTimeoutMs }),
    bodyLimit({ maxBytes: config.bodyLimitBytes, exceptions: [UPLOAD_CHUNK_BODY_LIMIT] }),
  );

  const tokens = deps.tokens ?? tokenServiceFromConfig(config);
  const limits =
    deps.limits === false ? undefined : (deps.limits ?? limitsFromConfig(config, { db: deps.db, tokens, logger }));
  // The general budget (per user, else per IP) of the API's own routes; system routes (health, docs) are free.
  // Not counted: signed file and manifest URLs and the EPUB files under a manifest's path token (the access
  // route that hands them out counts downloads, a reader streaming a book chapter by chapter fetches dozens
  // of them, and many readers share one carrier IP) and providers' webhooks (they come in bursts from a few
  // addresses, are authenticated by their signature, and one refused is a payment notification lost: Orange
  // Money never retries).
  const uncounted = [`${API_BASE_PATH}/v1/files/`, `${API_BASE_PATH}/v1/webhooks/`];
  const signedBookFiles = new RegExp(`^${API_BASE_PATH}/v1/books/[^/]+/(manifest\\.json$|epub/)`);
  const skip = (path: string) => uncounted.some((prefix) => path.startsWith(prefix)) || signedBookFiles.test(path);
  if (limits) root.use(`${API_BASE_PATH}/v1/*`, clientRateLimit({ ...limits, skip }));
  const storage = deps.storage ?? storageFromConfig(config);

  app.onError(createErrorHandler({ logger, captureException: deps.captureException }));
  app.notFound(notFoundHandler);

  const publicBase = config.publicUrl ? `${config.publicUrl}/functions/v1${API_BASE_PATH}` : API_BASE_PATH;
  const payments = deps.payments ?? paymentProvidersFromConfig(config, { fetch: deps.fetch });
  const clock = deps.clock ?? (() => new Date());
  registerRootRoutes(app, { version, basePath: publicBase });
  registerHealthRoutes(app, {
    db: deps.db,
    metrics,
    postgrestUrl: deps.postgrestUrl ?? config.postgrestUrl,
    expectedMigrations: deps.expectedMigrations,
    readinessChecks: {
      // Production requires pg-boss's schema and every declared queue; a dev or test database without
      // a worker ever started reports the check as skipped.
      queue: jobQueueCheck(deps.db, {
        queues: QUEUES.map((queue) => queue.name),
        required: config.env === 'production',
        now,
      }),
      payments: paymentsReadiness(payments),
      ...deps.readinessChecks,
    },
    now,
    fetch: deps.fetch,
    metricsToken: config.metricsToken,
    tokens,
  });
  const business =
    deps.businessMetrics === false
      ? undefined
      : (deps.businessMetrics ??
        createBusinessMetrics({
          db: deps.db,
          onError: (err) => logger.warn('business metrics unavailable; /metrics reports them as down', { err }),
        }));
  registerMetricsRoutes(app, {
    metrics,
    business,
    token: config.metricsToken,
    production: config.env === 'production',
  });
  registerJwksRoutes(app, { tokens });
  registerSessionRoutes(app, { db: deps.db, tokens, limits });
  registerMeRoutes(app, { db: deps.db, tokens, exporters: deps.exporters ?? exportRegistry, limits });
  registerNotesRoutes(app, { ...deps.notes, db: deps.db, tokens, limits });
  // One signer for the local files route and the manifest URLs (the local adapter derives the same key).
  const signer = urlSignerFromConfig(config);
  registerAccessRoutes(app, {
    db: deps.db,
    tokens,
    storage,
    signer,
    ttlSeconds: config.accessUrlTtlSeconds,
    apiBase: publicBase,
    limits,
    now: deps.files?.now,
  });
  registerEpubFileRoutes(app, { ...deps.files, storage, signer });
  if (config.storage.driver === 'local') registerFileRoutes(app, { ...deps.files, storage, signer });
  registerCheckoutRoutes(app, {
    db: deps.db,
    tokens,
    providers: payments,
    webhookPath: (provider) => `${publicBase}/v1/webhooks/${provider}`,
    firstPartyOrigins: config.corsOrigins,
    now: clock,
  });
  registerPurchaseRoutes(app, { db: deps.db, tokens, now: clock });
  registerReceiptFileRoutes(app, { db: deps.db, tokens, fonts: deps.notes?.fonts });
  registerWebhookRoutes(app, {
    db: deps.db,
    providers: payments,
    sendJob: deps.sendJob ?? jobSender(deps.db),
    now: clock,
  });
  if (payments.get('sandbox')) {
    registerSandboxCheckoutRoutes(app, { db: deps.db, secret: config.payments.sandbox.webhookSecret, now: clock });
  }
  let unsubscribe: Promise<UnsubscribeTokens> | undefined;
  registerNotificationRoutes(app, {
    db: deps.db,
    tokens: () => {
      unsubscribe ??= unsubscribeSecret(config.jwtSecret).then(unsubscribeTokens);
      return unsubscribe;
    },
    production: config.env === 'production',
  });
  registerPartnerOrderRoutes(app, { db: deps.db });
  registerPartnerModerationRoutes(app, { db: deps.db });
  registerShareRoutes(app, { db: deps.db, storage, publicBase: config.publicUrl ? publicBase : undefined });
  registerAdminOrderRoutes(app, { db: deps.db, tokens });
  registerAdminBookRoutes(app, { db: deps.db, tokens });
  registerAdminCatalogEntityRoutes(app, { db: deps.db, tokens });
  registerUploadRoutes(app, { db: deps.db, tokens, storage, apiBase: publicBase });
  registerDocsRoutes(app, { version, publicUrl: config.publicUrl });
  return app;
}
