import pg from 'pg';
import { TokenService } from '../identity/tokens.ts';
import { limitsFromConfig } from '../limits/from-config.ts';
import { gatewayRateLimit, partnerOfKey } from '../limits/gateway.ts';
import { createLogger } from '../observability/logger.ts';
import { createGateway, forwardTo } from './app.ts';
import { clientIp } from './client-ip.ts';
import type { GatewayConfig } from './config.ts';
import { createFailureThrottle } from './failure-throttle.ts';
import { createPartnerKeyResolver } from './partner-keys.ts';
import { serveGateway } from './processes.ts';
import { catalogReadsOn } from './read-replica.ts';
import { SearchCache } from './search-cache.ts';
import { createSearchScopes } from './search-scope.ts';
import { supabaseUpstream } from './upstream.ts';

export interface RunningGateway {
  /** Where it listens (`http://host:port`). */
  url: string;
  port: number;
  /** Stops accepting requests, then closes the database pool. */
  stop(): Promise<void>;
}

/**
 * Runs the production gateway on Node in front of a Supabase project: `/rest/v1` checked (project and
 * partner keys, origins, body limit) then forwarded with the project's `sb_` keys; `/functions/v1` and
 * `/auth/v1` forwarded as they are.
 */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.dbPoolMax,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    // A key check is two primary-key lookups: anything slower is a sick database.
    statement_timeout: 5_000,
    application_name: 'coko-gateway',
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const partnerKeys = createPartnerKeyResolver(pool, {
    throttle: createFailureThrottle({ burst: config.failedKeyBurst }),
  });
  const limits = gatewayLimits(config, pool);
  const client = clientIp(config.trustedProxies);
  const projectKeys = { publishableKey: config.publishableKey, secretKey: config.secretKey };
  const gateway = createGateway({
    rest: supabaseUpstream({ url: config.supabaseUrl, ...projectKeys }),
    readReplica: config.replicaUrl
      ? catalogReadsOn(supabaseUpstream({ url: config.replicaUrl, ...projectKeys }))
      : undefined,
    keys: { publishableKey: config.publishableKey, secretKey: config.secretKey },
    partnerKeys,
    limiter: limits && gatewayRateLimit({ ...limits, partnerOf: partnerOfKey(partnerKeys), clientIp: client }),
    functions: forwardTo(`${config.supabaseUrl}/functions/v1`),
    auth: forwardTo(config.supabaseUrl),
    bodyLimitBytes: config.bodyLimitBytes,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    searchCache:
      config.searchCacheSeconds > 0
        ? new SearchCache({
            ttlSeconds: config.searchCacheSeconds,
            scopes: createSearchScopes(pool, { ttlSeconds: config.searchCacheSeconds }),
          })
        : undefined,
    client,
  });
  const server = await serveGateway(gateway.fetch, config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: async () => {
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await pool.end();
    },
  };
}

/**
 * The API's limits on `/rest/v1`, counted in the same Postgres buckets (see limits/gateway.ts); readers
 * are told apart by their tokens, verified with the API's keys.
 */
function gatewayLimits(config: GatewayConfig, pool: pg.Pool) {
  if (!config.rateLimits) return undefined;
  const tokens = new TokenService({
    secret: config.rateLimits.jwtSecret,
    signingKey: config.rateLimits.signingKey,
    issuer: 'coko',
    ttlSeconds: 900,
  });
  const logger = createLogger({ level: 'warn', base: { service: 'coko-gateway' } });
  return limitsFromConfig({ rateLimits: { policies: config.rateLimits.policies } }, { db: pool, tokens, logger });
}
