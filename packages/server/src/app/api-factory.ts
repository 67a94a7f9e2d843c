// Node-only: builds the API for the local stack (`coko dev`, the test harness) from what the stack provides.
import type { EnvSource, RuntimeEnv } from '../config/index.ts';
import { loadConfig } from '../config/index.ts';
import type { Logger } from '../observability/logger.ts';
import { type PrepareApiOptions, prepareApi } from './node.ts';

/** What the stack hands the factory (structurally the stack's `ApiContext`). */
export interface ApiFactoryContext {
  /** As the non-superuser `postgres` role (SUPABASE_DB_URL on Supabase). */
  databaseUrl: string;
  postgrestUrl: string;
  /** The stack's one origin; the API answers under `/functions/v1/api`. */
  publicUrl: string;
  /** The stack's signing material: the HS256 secret and the ES256 key pair PostgREST trusts. */
  keys: { jwtSecret: string; es256?: { privateJwk: object } | undefined };
}

export interface ApiFactoryOptions extends Omit<PrepareApiOptions, 'config' | 'pool'> {
  /** COKO_ENV for the app (default: from the environment, else development). */
  env?: RuntimeEnv | undefined;
  /** Other variables (LOG_LEVEL, CORS_ORIGINS…); default `process.env`. The context's values win. */
  environment?: EnvSource | undefined;
  logger?: Logger | undefined;
}

/**
 * `createApi` for the local stack: config from the environment plus the stack's database, PostgREST, public URL,
 * JWT secret and ES256 signing key; runs the startup checks; `close()` ends the pool.
 *
 * @example
 * ```ts
 * await startStack({ …, createApi: createApiFactory({ env: 'development' }) })
 * ```
 */
export function createApiFactory(options: ApiFactoryOptions = {}) {
  const { env, environment, ...rest } = options;
  return async (context: ApiFactoryContext) => {
    const source: EnvSource = environment ?? process.env;
    const config = loadConfig({
      ...source,
      ...(env ? { COKO_ENV: env } : {}),
      DATABASE_URL: context.databaseUrl,
      POSTGREST_URL: context.postgrestUrl,
      COKO_PUBLIC_URL: context.publicUrl,
      COKO_JWT_SECRET: context.keys.jwtSecret,
      // Partner sessions are signed ES256 with the stack's key (with kid), which PostgREST already trusts.
      ...(context.keys.es256 ? { COKO_JWT_SIGNING_KEY: JSON.stringify(context.keys.es256.privateJwk) } : {}),
    });
    const api = await prepareApi({ ...rest, config });
    return {
      fetch: api.app.fetch,
      close: api.close,
      app: api.app,
      pool: api.pool,
      limits: api.limits,
      storage: api.storage,
    };
  };
}
