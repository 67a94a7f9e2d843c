import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '../stack/database.ts';
import type { ProjectKeys } from '../stack/keys.ts';
import { type ApiFactory, startServices } from '../stack/services.ts';

export { pgbouncerAvailability, startTestPooler } from './pooler.ts';
export { spawnTestStack } from './spawn-stack.ts';

/** What the global setup hands to every test file (serialisable). */
export interface TestCluster {
  /** Superuser URL of the test cluster's maintenance database. */
  adminUrl: string;
  /** A migrated and seeded database that each test file clones. */
  template: string;
  keys: ProjectKeys;
  /** An existing Postgres (DATABASE_URL): the API connects with the admin URL, roles keep their passwords. */
  external?: boolean;
  /** A transaction-mode pooler in front of the cluster: every stack's PostgREST, API and gateway use it. */
  pooler?: { host: string; port: number } | undefined;
}

export interface TestStack {
  url: string;
  publishableKey: string;
  secretKey: string;
  /** The file's own database, as the non-superuser `postgres` role. */
  databaseUrl: string;
  /** The file's own database, as the superuser (for fixtures and role switching). */
  adminDatabaseUrl: string;
  postgrestUrl: string;
  anonJwt: string;
  serviceRoleJwt: string;
  keys: ProjectKeys;
  /** The API's local storage folder (`STORAGE_LOCAL_ROOT`), set by spawned stacks. */
  storageRoot?: string | undefined;
  /** The PgBouncer (transaction mode) the services connect through, if any; `databaseUrl` uses it too. */
  pooler?: { host: string; port: number } | undefined;
  stop(): Promise<void>;
}

/**
 * Gives one test file its own database, cloned from the migrated template (cheap: a file copy),
 * and its own PostgREST, API and gateway in front of it, so files run in parallel without sharing
 * state.
 */
export async function startTestStack(cluster: TestCluster, createApi: ApiFactory): Promise<TestStack> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(cluster.adminUrl, name, cluster.template);
  const adminDatabaseUrl = withDatabase(cluster.adminUrl, name);
  try {
    const services = await startServices({
      adminDatabaseUrl,
      keys: cluster.keys,
      createApi,
      postgrestPool: 4,
      apiDatabaseUrl: cluster.external ? adminDatabaseUrl : undefined,
      pooler: cluster.pooler,
    });
    return {
      ...services,
      publishableKey: cluster.keys.publishableKey,
      secretKey: cluster.keys.secretKey,
      adminDatabaseUrl,
      keys: cluster.keys,
      pooler: cluster.pooler,
      stop: async () => {
        await services.stop();
        await dropDatabase(cluster.adminUrl, name);
      },
    };
  } catch (error) {
    await dropDatabase(cluster.adminUrl, name);
    throw error;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    cokoCluster: TestCluster;
  }
}
