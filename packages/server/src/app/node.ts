// Node entry: serves createApp with @hono/node-server. Everything Node-specific (process, fs, http, Sentry) lives here.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import type pg from 'pg';
import { type Config, isConfigError, loadConfig } from '../config/index.ts';
import { stateDir } from '../config/project.ts';
import { checkExtensions, createPool, describeDatabaseUrl, REQUIRED_EXTENSIONS, withTimeout } from '../db/index.ts';
import { findMigrationsDir as findMigrationsDirAbove, readMigrationVersions } from '../db/migrations.ts';
import { tokenServiceFromConfig } from '../identity/index.ts';
import { type AppLimits, limitsFromConfig } from '../limits/from-config.ts';
import type { CaptureException } from '../observability/index.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { initSentry, type SentryOptions, type SentryReporter } from '../observability/sentry-node.ts';
import { storageFromConfig } from '../providers/storage/from-config.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import type { ReadinessCheck } from '../routes/health.ts';
import { type CokoApp, createApp } from './create-app.ts';

/** A startup check failed (database unreachable, extension missing…); the message says what to fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface PrepareApiOptions {
  config: Config;
  /** Use this pool instead of creating one from `config.databaseUrl` (it is then not ended on close). */
  pool?: pg.Pool | undefined;
  logger?: Logger | undefined;
  /** Default: the versions found in `migrationsDir`. */
  expectedMigrations?: readonly string[] | undefined;
  /** Default: `supabase/migrations` of the repository holding this file, when present. */
  migrationsDir?: string | undefined;
  /** Extensions that must be installed (default pgcrypto, pg_trgm, unaccent). */
  requiredExtensions?: readonly string[] | undefined;
  /** Default: Sentry when `config.sentryDsn` is set. */
  captureException?: CaptureException | undefined;
  /** Passed to Sentry (tests give a fake transport). */
  sentry?: Partial<SentryOptions> | undefined;
  readinessChecks?: Record<string, ReadinessCheck> | undefined;
  version?: string | undefined;
  /** Default: `storageFromConfig(config)`, the local adapter in `.coko/storage` of the project. */
  storage?: StoragePort | undefined;
}

export interface PreparedApi {
  app: CokoApp;
  pool: pg.Pool;
  logger: Logger;
  sentry: SentryReporter | undefined;
  /** The rate limits the app counts (undefined when `RATE_LIMITS=off`); the local gateway shares them. */
  limits: AppLimits | undefined;
  /** Book files and covers; the local gateway serves the public covers from it. */
  storage: StoragePort;
  /** Ends the pool (when created here) and flushes Sentry. */
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The package version of @coko/server (from the sources, `src/app/`, or the build, `dist/`). */
export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version: string };
      if (pkg.name === '@coko/server') return pkg.version;
    } catch {
      // not this layout
    }
  }
  return '0.0.0-dev';
}

/** `supabase/migrations` of the repository above `from` (default: this file), if there is one. */
export function findMigrationsDir(from = here): string | undefined {
  return findMigrationsDirAbove(from);
}

export { readMigrationVersions };

/** `.coko/storage` next to the project's `supabase/`, or in the working directory outside a project. */
function defaultStorageRoot(): string {
  try {
    return join(stateDir(), 'storage');
  } catch {
    return resolve('.coko', 'storage');
  }
}

/**
 * Startup checks, then the app: connects to the database (clear error when it cannot), requires the extensions,
 * initialises Sentry when configured. Used by {@link startApiServer} and the local stack's API factory.
 */
export async function prepareApi(options: PrepareApiOptions): Promise<PreparedApi> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, base: { service: 'coko-api' } });
  if (!options.pool && !config.databaseUrl) {
    throw new StartupError('DATABASE_URL is not set: the API needs a Postgres database.');
  }
  const ownsPool = !options.pool;
  const pool = options.pool ?? createPool(config, { logger });
  const where = describeDatabaseUrl(config.databaseUrl);
  try {
    try {
      await withTimeout(pool.query('select 1'), config.db.connectTimeoutMs + 1000, 'database connection');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StartupError(`Cannot reach the database at ${where}: ${reason}`);
    }
    const required = options.requiredExtensions ?? REQUIRED_EXTENSIONS;
    const extensions = await checkExtensions(pool, required);
    if (!extensions.ok) {
      throw new StartupError(
        `The database at ${where} lacks required extension(s): ${extensions.missing.join(', ')}. ` +
          'Apply the migrations (coko migrate), or run `create extension <name> with schema extensions` as a superuser.',
      );
    }
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => {});
    throw error;
  }

  const version = options.version ?? packageVersion();
  const sentry =
    !options.captureException && config.sentryDsn
      ? await initSentry({
          environment: config.env,
          release: `coko-api@${version}`,
          ...options.sentry,
          dsn: config.sentryDsn,
        })
      : undefined;
  const migrationsDir = options.migrationsDir ?? findMigrationsDir();
  const expectedMigrations =
    options.expectedMigrations ??
    (migrationsDir && existsSync(migrationsDir) ? readMigrationVersions(migrationsDir) : undefined);
  const tokens = tokenServiceFromConfig(config);
  // Built here so the local stack's gateway can count in the same leases (see limits/from-config.ts).
  const limits = limitsFromConfig(config, { db: pool, tokens, logger });
  const storage = options.storage ?? storageFromConfig(config, { localRoot: defaultStorageRoot() });
  const app = createApp({
    storage,
    config,
    db: pool,
    logger,
    tokens,
    limits: limits ?? false,
    captureException: options.captureException ?? sentry?.captureException,
    expectedMigrations,
    readinessChecks: options.readinessChecks,
    version,
  });
  let closed: Promise<void> | undefined;
  return {
    app,
    pool,
    logger,
    sentry,
    limits,
    storage,
    close: () => {
      closed ??= (async () => {
        if (ownsPool) await pool.end();
        await sentry?.close();
      })();
      return closed;
    },
  };
}

export interface StartApiServerOptions extends PrepareApiOptions {
  /** Default `config.port` (0 picks a free port). */
  port?: number | undefined;
  /** Default `config.host`. */
  hostname?: string | undefined;
  /** After this, connections still open are cut (default 10 000 ms). */
  shutdownTimeoutMs?: number | undefined;
}

export interface ApiServer extends PreparedApi {
  server: ServerType;
  /** The address it listens on, e.g. `http://127.0.0.1:8787`. */
  url: string;
  port: number;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish (up to `shutdownTimeoutMs`),
   * then ends the pool and flushes Sentry. Safe to call more than once.
   */
  close(): Promise<void>;
}

function isHttpServer(server: ServerType): server is Server {
  return typeof (server as Server).closeIdleConnections === 'function';
}

/**
 * Runs the startup checks and serves the API on Node.
 *
 * @example
 * ```ts
 * const api = await startApiServer({ config: loadConfig(process.env), port: 8787 })
 * installShutdownHandlers(api)
 * ```
 */
export async function startApiServer(options: StartApiServerOptions): Promise<ApiServer> {
  const prepared = await prepareApi(options);
  const { config } = options;
  const hostname = options.hostname ?? config.host;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  let server: ServerType;
  let port: number;
  try {
    ({ server, port } = await new Promise<{ server: ServerType; port: number }>((resolveListen, reject) => {
      const s = serve({ fetch: prepared.app.fetch, port: options.port ?? config.port, hostname }, (info) =>
        resolveListen({ server: s, port: info.port }),
      );
      s.once('error', reject);
    }));
  } catch (error) {
    await prepared.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(`Cannot listen on ${hostname}:${options.port ?? config.port}: ${reason}`);
  }
  const url = `http://${hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname}:${port}`;
  prepared.logger.info('api listening', { url, env: config.env });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      prepared.logger.info('api shutting down');
      await new Promise<void>((resolveClose) => {
        const http = isHttpServer(server) ? server : undefined;
        // Keep-alive sockets become idle as their in-flight request finishes: close them as they do.
        const sweep = setInterval(() => http?.closeIdleConnections(), 50);
        const force = setTimeout(() => {
          prepared.logger.warn('shutdown timeout: closing open connections', { shutdownTimeoutMs });
          http?.closeAllConnections();
        }, shutdownTimeoutMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          resolveClose();
        });
        http?.closeIdleConnections();
      });
      await prepared.close();
      prepared.logger.info('api stopped');
    })();
    return closing;
  };
  return { ...prepared, server, url, port, close };
}

/**
 * On SIGTERM/SIGINT: graceful `close()`, then exit 0 (1 if closing failed). A second signal exits at once.
 * Returns a function that removes the handlers.
 */
export function installShutdownHandlers(
  api: { close(): Promise<void>; logger?: Logger },
  options: { signals?: NodeJS.Signals[]; exit?: (code: number) => void } = {},
): () => void {
  const { signals, exit } = {
    signals: ['SIGTERM', 'SIGINT'] as NodeJS.Signals[],
    exit: (code: number) => process.exit(code),
    ...options,
  };
  let received = false;
  const handler = (signal: NodeJS.Signals) => {
    if (received) return exit(1);
    received = true;
    api.logger?.info('signal received', { signal });
    api.close().then(
      () => exit(0),
      (error: unknown) => {
        api.logger?.error('shutdown failed', { err: error });
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

/** `node node.ts`: config from the environment, startup checks, serve, graceful shutdown. Exits 1 with a clear message on bad config. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<ApiServer | undefined> {
  try {
    const config = loadConfig(env);
    const api = await startApiServer({ config });
    installShutdownHandlers(api);
    return api;
  } catch (error) {
    if (isConfigError(error) || error instanceof StartupError) {
      console.error(error.message);
    } else {
      console.error('API failed to start:', error);
    }
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void main();
}
