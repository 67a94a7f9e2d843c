import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createGateway } from '../gateway/app.ts';
import type { NodeFetch } from '../gateway/empty-answers.ts';
import { createPartnerKeyResolver } from '../gateway/partner-keys.ts';
import { serveGateway } from '../gateway/processes.ts';
import { catalogReadsOn } from '../gateway/read-replica.ts';
import { SearchCache } from '../gateway/search-cache.ts';
import { createSearchScopes } from '../gateway/search-scope.ts';
import { postgrestUpstream } from '../gateway/upstream.ts';
import { type GatewayRateLimitOptions, gatewayRateLimit, partnerOfKey } from '../limits/gateway.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { withDatabase } from './database.ts';
import { mintJwt, type ProjectKeys, postgrestJwks, publicJwks } from './keys.ts';
import { freePort } from './ports.ts';
import { type SupervisedPostgrestOptions, startSupervisedPostgrest } from './supervise.ts';

type SupervisedPostgrest = Awaited<ReturnType<typeof startSupervisedPostgrest>>;

/** What the API factory receives to build the Hono app for one database. */
export interface ApiContext {
  /** Connection URL as the non-superuser `postgres` role (SUPABASE_DB_URL on Supabase). */
  databaseUrl: string;
  postgrestUrl: string;
  publicUrl: string;
  keys: ProjectKeys;
}

export interface ApiHandle {
  fetch(request: Request): Response | Promise<Response>;
  close?(): Promise<void>;
  /** The API's rate limits, which the gateway applies to `/rest/v1` in the same buckets (absent: none). */
  limits?: Omit<GatewayRateLimitOptions, 'partnerOf' | 'clientIp'> | undefined;
  /** The API's storage: the gateway serves its public covers at `/storage/v1/object/public/covers/*`. */
  storage?: StoragePort | undefined;
}

export type ApiFactory = (context: ApiContext) => Promise<ApiHandle>;

export interface Services {
  url: string;
  port: number;
  postgrestUrl: string;
  databaseUrl: string;
  anonJwt: string;
  serviceRoleJwt: string;
  /** The supervised PostgREST (restarted when it dies). */
  postgrest: { readonly pid: number | undefined; readonly restarts: number };
  /** The read replica's PostgREST, when `readReplica` was given. */
  replicaPostgrestUrl?: string | undefined;
  stop(): Promise<void>;
}

const TEN_YEARS = 10 * 365 * 24 * 3600;

export interface StartServicesOptions {
  /** Superuser URL of the target database (used to derive the role URLs). */
  adminDatabaseUrl: string;
  keys: ProjectKeys;
  port?: number;
  hostname?: string;
  createApi: ApiFactory;
  /** URL the API connects with; default: the `postgres` role with the project's password. */
  apiDatabaseUrl?: string;
  postgrestPool?: number;
  /**
   * A transaction-mode pooler in front of the database (PgBouncer): PostgREST, the API and the gateway
   * connect through it, as they would through Supabase's pooler; `adminDatabaseUrl` stays direct.
   */
  pooler?: { host: string; port: number } | undefined;
  /**
   * A read replica of the database (a hot standby, same roles): a second PostgREST on it answers the
   * gateway's catalog reads ({@link catalogReadsOn}); everything else stays on the primary.
   */
  readReplica?: { host: string; port: number } | undefined;
  /** Waits before PostgREST restart attempt `attempt` after it died (default: backoff from 100 ms to 5 s). */
  postgrestRestartDelay?: (attempt: number) => Promise<void>;
  /** PostgREST's server and admin ports for each start attempt (default: two the OS reports free; tests). */
  postgrestPorts?: () => Promise<[number, number]>;
  /** Largest `/rest/v1` request body at the gateway (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Seconds the gateway reuses guests' and readers' `search_books` answers ({@link SearchCache}; default 0: off). */
  searchCacheSeconds?: number | undefined;
  log?: (line: string) => void;
}

/** Starts PostgREST, the API and the gateway in front of one prepared database. */
export async function startServices(options: StartServicesOptions): Promise<Services> {
  const { keys } = options;
  const database = new URL(options.adminDatabaseUrl).pathname.slice(1);
  const hostname = options.hostname ?? '127.0.0.1';
  // The gateway listens first, on the given port or one the OS assigns while binding: a port found free
  // and bound only after PostgREST has started could be taken in between (another stack, or an
  // outgoing connection's ephemeral port). It answers 503 until the services behind it are up.
  let handle: NodeFetch = () => new Response(null, { status: 503 });
  // `env` (node:http's request) passed on: the gateway reads request bodies from it.
  const server = await serveGateway((request, env) => handle(request, env), options.port || 0, hostname);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${port}`;
  const closeServer = () => new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  const authenticatorUrl = withDatabase(options.adminDatabaseUrl, database, {
    user: 'authenticator',
    password: keys.authenticatorPassword,
  });
  const postgrestOptions = {
    jwtSecret: postgrestJwks(keys),
    // User tokens (Supabase Auth's and partner sessions) all carry aud "authenticated".
    jwtAud: 'authenticated',
    pool: options.postgrestPool,
    publicUrl: `${url}/rest/v1`,
    waitBeforeRestart: options.postgrestRestartDelay,
    log: options.log,
  };
  const ports = options.postgrestPorts ?? (async () => [await freePort(), await freePort()] as [number, number]);
  const postgrest = await startPostgrestOnFreePorts(ports, {
    ...postgrestOptions,
    dbUri: onServer(authenticatorUrl, options.pooler),
    preparedStatements: !options.pooler,
    listenForReload: !options.pooler,
  }).catch(async (error: unknown) => {
    await closeServer();
    throw error;
  });
  // PostgREST is a separate binary that outlives us if we skip it: it is stopped whatever fails next.
  let replicaPostgrest: SupervisedPostgrest | undefined;
  try {
    if (options.readReplica) {
      replicaPostgrest = await startPostgrestOnFreePorts(ports, {
        ...postgrestOptions,
        dbUri: onServer(authenticatorUrl, options.readReplica),
        // A standby refuses LISTEN; after a migration, reload this PostgREST with SIGUSR1.
        listenForReload: false,
      });
    }
    return await startFrontServices(options, {
      postgrest,
      replicaPostgrest,
      database,
      port,
      url,
      closeServer,
      serve: (fetch) => {
        handle = fetch;
      },
    });
  } catch (error) {
    await closeServer();
    await replicaPostgrest?.stop();
    await postgrest.stop();
    throw error;
  }
}

/** The API and the gateway in front of a running PostgREST. */
async function startFrontServices(
  options: StartServicesOptions,
  at: {
    postgrest: SupervisedPostgrest;
    replicaPostgrest?: SupervisedPostgrest | undefined;
    database: string;
    port: number;
    url: string;
    /** Closes the gateway's listening server. */
    closeServer: () => Promise<void>;
    /** Puts the gateway behind the already listening server. */
    serve: (fetch: NodeFetch) => void;
  },
): Promise<Services> {
  const { keys } = options;
  const { postgrest, replicaPostgrest, database, port, url, closeServer } = at;
  const databaseUrl = onServer(
    options.apiDatabaseUrl ??
      withDatabase(options.adminDatabaseUrl, database, { user: 'postgres', password: keys.postgresPassword }),
    options.pooler,
  );
  const api = await options.createApi({ databaseUrl, postgrestUrl: postgrest.url, publicUrl: url, keys });
  const anonJwt = await mintJwt(keys, { role: 'anon', expiresInSeconds: TEN_YEARS, issuer: 'coko-local' });
  const serviceRoleJwt = await mintJwt(keys, {
    role: 'service_role',
    expiresInSeconds: TEN_YEARS,
    issuer: 'coko-local',
  });
  // A small pool for the gateway's partner publishable key checks (private.resolve_publishable_key)
  // and signed-in readers' search scopes (private.search_scope).
  const gatewayPool = new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    idleTimeoutMillis: 10_000,
    application_name: 'coko-gateway',
  });
  gatewayPool.on('error', () => {});
  const partnerKeys = createPartnerKeyResolver(gatewayPool);
  const gateway = createGateway({
    rest: postgrestUpstream({ url: postgrest.url, anonJwt, serviceRoleJwt }),
    readReplica:
      replicaPostgrest && catalogReadsOn(postgrestUpstream({ url: replicaPostgrest.url, anonJwt, serviceRoleJwt })),
    keys: { publishableKey: keys.publishableKey, secretKey: keys.secretKey },
    partnerKeys,
    limiter: api.limits && gatewayRateLimit({ ...api.limits, partnerOf: partnerOfKey(partnerKeys) }),
    functions: api,
    publicJwks: publicJwks(keys),
    publicStorage: api.storage && { storage: api.storage, buckets: ['covers'] },
    bodyLimitBytes: options.bodyLimitBytes,
    searchCache: options.searchCacheSeconds
      ? new SearchCache({
          ttlSeconds: options.searchCacheSeconds,
          scopes: createSearchScopes(gatewayPool, { ttlSeconds: options.searchCacheSeconds }),
        })
      : undefined,
  });
  at.serve(gateway.fetch);
  return {
    url,
    port,
    postgrestUrl: postgrest.url,
    databaseUrl,
    anonJwt,
    serviceRoleJwt,
    postgrest,
    replicaPostgrestUrl: replicaPostgrest?.url,
    // PostgREST is a separate binary that outlives us if we skip it: it is stopped whatever failed before.
    stop: async () => {
      try {
        await closeServer();
        await api.close?.();
        await gatewayPool.end();
      } finally {
        await replicaPostgrest?.stop();
        await postgrest.stop();
      }
    },
  };
}

/**
 * PostgREST on ports found free. It cannot listen on port 0 and say which port it got, so there is a
 * gap between finding ports free and binding them, in which another process (a parallel test
 * stack, an outgoing connection) may take one: PostgREST then fails with "Address in use", and is
 * started again on new ports.
 */
async function startPostgrestOnFreePorts(
  ports: () => Promise<[number, number]>,
  options: Omit<SupervisedPostgrestOptions, 'port' | 'adminPort'>,
): Promise<SupervisedPostgrest> {
  for (let attempt = 1; ; attempt++) {
    const [port, adminPort] = await ports();
    try {
      return await startSupervisedPostgrest({ ...options, port, adminPort });
    } catch (error) {
      const taken = error instanceof Error && error.message.includes('Address in use');
      if (!taken || attempt >= 5) throw error;
    }
  }
}

/** The same database and credentials on another server (a pooler, a replica), when there is one. */
function onServer(url: string, server: { host: string; port: number } | undefined): string {
  if (!server) return url;
  const moved = new URL(url);
  moved.hostname = server.host;
  moved.port = String(server.port);
  return moved.toString();
}
