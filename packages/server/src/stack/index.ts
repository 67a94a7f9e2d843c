import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  clusterSnapshotKey,
  discardClusterSnapshot,
  restoreClusterSnapshot,
  saveClusterSnapshot,
  usableClusterSnapshot,
} from './cluster-snapshot.ts';
import { type PrepareResult, prepareDatabase, withDatabase } from './database.ts';
import { loadOrCreateProjectKeys, type ProjectKeys } from './keys.ts';
import { externalPostgres, type PostgresServer, startEmbeddedPostgres } from './postgres.ts';
import { type Progress, silentProgress } from './progress.ts';
import { resetState, STATE_CACHE_DIR } from './reset.ts';
import { type ApiFactory, type Services, startServices } from './services.ts';

export { createGateway } from '../gateway/app.ts';
export * from './bootstrap.ts';
export { clusterSnapshotKey, replenishSpare, SNAPSHOT_DIR } from './cluster-snapshot.ts';
export * from './database.ts';
export * from './keys.ts';
export * from './migrate.ts';
export { findRepoRoot, makeTempDir, migrationsDir, seedFile, setSupabaseDir, stateDir, supabaseDir } from './paths.ts';
export * from './pgbouncer.ts';
export { freePort } from './ports.ts';
export * from './postgres.ts';
export * from './progress.ts';
export * from './replica.ts';
export { resetState, STATE_CACHE_DIR } from './reset.ts';
export * from './services.ts';

export interface StackOptions {
  /** State folder (keys, Postgres data): `.coko` for `coko dev`. */
  dir: string;
  /** Gateway port; 0 picks a free one. */
  port?: number;
  hostname?: string;
  /** An existing Postgres (superuser URL) instead of the embedded one. */
  databaseUrl?: string;
  /** Postgres port for the embedded server; 0 picks a free one. */
  postgresPort?: number;
  /** Wipe the state folder first, but for its `cache/` (see reset.ts). */
  reset?: boolean;
  seed?: boolean | 'if-fresh';
  /** Keep data between runs (dev) or throw it away (tests, benches). */
  persistent?: boolean;
  /**
   * Start a new embedded cluster from a copy of one already migrated and seeded for the same schema,
   * kept in the state folder's cache (cluster-snapshot.ts); the first run for a schema makes it.
   * Only with `persistent` and the embedded Postgres (`coko dev`).
   */
  clusterSnapshot?: boolean;
  createApi: ApiFactory;
  /**
   * Seconds the gateway reuses guests' `search_books` answers (default 0: off, so that tests and
   * `coko dev` see every write at once; production's gateway defaults to 60).
   */
  searchCacheSeconds?: number;
  log?: (line: string) => void;
  /** Reports each step as it starts and its time when done (`coko dev`); default: silent. */
  progress?: Progress;
}

export interface Stack extends Services {
  keys: ProjectKeys;
  postgres: PostgresServer;
  /** Superuser URL of the stack's database. */
  adminDatabaseUrl: string;
  prepared: PrepareResult;
  /** The cluster snapshot (`clusterSnapshot`) this cluster was restored from or kept as, else null. */
  snapshot: { dir: string; origin: 'restored' | 'saved' } | null;
}

/** Postgres (embedded or `DATABASE_URL`) → bootstrap → migrations → seed → PostgREST → API → gateway. */
export async function startStack(options: StackOptions): Promise<Stack> {
  if (options.reset) resetState(options.dir);
  const progress = options.progress ?? silentProgress;
  const persistent = options.persistent ?? true;
  const state = { dataDir: join(options.dir, 'postgres'), keysFile: join(options.dir, 'keys.json') };
  const cacheDir = join(options.dir, STATE_CACHE_DIR);
  const snapshotKey = options.clusterSnapshot && persistent && !options.databaseUrl ? clusterSnapshotKey() : null;
  const snapshot = snapshotKey === null ? null : usableClusterSnapshot(cacheDir, snapshotKey, state);
  const { freePort } = await import('./ports.ts');
  const postgresPort = options.postgresPort || (await freePort());
  const startPostgres = async (keys: ProjectKeys): Promise<PostgresServer> =>
    options.databaseUrl
      ? externalPostgres(options.databaseUrl)
      : startEmbeddedPostgres({
          dataDir: state.dataDir,
          port: postgresPort,
          password: keys.adminPassword,
          persistent,
          log: options.log,
        });
  const openCluster = async (from: string | null) => {
    if (from) await progress.step('database copy', async () => restoreClusterSnapshot(from, state));
    const fresh = !options.databaseUrl && !existsSync(join(state.dataDir, 'PG_VERSION'));
    const keys = await loadOrCreateProjectKeys(state.keysFile);
    const step = options.databaseUrl ? 'database (DATABASE_URL)' : 'database';
    return { fresh, keys, restored: from, postgres: await progress.step(step, () => startPostgres(keys)) };
  };
  let cluster: Awaited<ReturnType<typeof openCluster>>;
  try {
    cluster = await openCluster(snapshot);
  } catch (error) {
    if (!snapshot) throw error;
    // A snapshot that does not start (damaged, or made by another build) is dropped, and the cluster
    // made from scratch: a bad cache must not stop `coko dev` from starting.
    options.log?.(`cluster snapshot dropped: ${error instanceof Error ? error.message : String(error)}`);
    discardClusterSnapshot(snapshot, state);
    cluster = await openCluster(null);
  }
  const { keys, fresh: freshCluster } = cluster;
  let kept: Stack['snapshot'] = cluster.restored ? { dir: cluster.restored, origin: 'restored' } : null;
  let postgres = cluster.postgres;
  try {
    const database = options.databaseUrl ? new URL(options.databaseUrl).pathname.slice(1) || 'postgres' : 'postgres';
    const adminDatabaseUrl = withDatabase(postgres.adminUrl, database);
    const external = Boolean(options.databaseUrl);
    // On an existing Postgres, roles' passwords stay the operator's: the API connects with DATABASE_URL.
    const prepared = await prepareDatabase(adminDatabaseUrl, keys, {
      seed: options.seed ?? 'if-fresh',
      setPostgresPassword: !external,
      progress,
    });
    if (snapshotKey !== null && freshCluster && prepared.seeded) {
      // A cluster is copied only while stopped; the next reset starts from the copy. Failing to
      // keep one (a full disk) costs the next reset its speed, not this start.
      await progress.step('snapshot', async () => {
        await postgres.stop();
        try {
          kept = { dir: saveClusterSnapshot(cacheDir, snapshotKey, state), origin: 'saved' };
        } catch (error) {
          options.log?.(`cluster snapshot not kept: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          postgres = await startPostgres(keys);
        }
      });
    }
    const services = await startServicesInSteps(progress, {
      adminDatabaseUrl,
      keys,
      port: options.port,
      hostname: options.hostname,
      createApi: options.createApi,
      apiDatabaseUrl: external ? adminDatabaseUrl : undefined,
      searchCacheSeconds: options.searchCacheSeconds,
      log: options.log,
    });
    return {
      ...services,
      keys,
      postgres,
      adminDatabaseUrl,
      prepared,
      snapshot: kept,
      stop: async () => {
        await services.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
export { generateDatabaseTypes } from './typegen.ts';

/**
 * startServices as three reported steps: it starts PostgREST, then calls `createApi`, then the
 * gateway, so the API factory's call and return mark where one step ends and the next begins.
 */
async function startServicesInSteps(
  progress: Progress,
  options: Parameters<typeof startServices>[0],
): Promise<Services> {
  const postgrest = deferred();
  const gateway = deferred();
  const postgrestStep = progress.step('PostgREST', () => postgrest.promise);
  let gatewayStep: Promise<void> | undefined;
  const createApi: ApiFactory = async (context) => {
    postgrest.resolve();
    await postgrestStep;
    const api = await progress.step('API', () => options.createApi(context));
    gatewayStep = progress.step('gateway', () => gateway.promise);
    return api;
  };
  try {
    const services = await startServices({ ...options, createApi });
    gateway.resolve();
    await gatewayStep;
    return services;
  } catch (error) {
    // The step still open failed with it (settling a settled one changes nothing).
    postgrest.reject(error);
    gateway.reject(error);
    await Promise.allSettled([postgrestStep, gatewayStep]);
    throw error;
  }
}

function deferred(): { promise: Promise<void>; resolve(): void; reject(error: unknown): void } {
  let resolve: () => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // Rejected only when a step is open and awaiting it; never an unhandled rejection otherwise.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
