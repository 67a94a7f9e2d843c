import type { ProjectKeys } from '../stack/keys.ts';
import { findPgbouncer, type PgbouncerServer, startPgbouncer } from '../stack/pgbouncer.ts';
import { freePort } from '../stack/ports.ts';

/** How to run tests through PgBouncer, or why they cannot be (shown instead of a silent pass). */
export function pgbouncerAvailability(): { binary: string } | { missing: string } {
  const binary = findPgbouncer();
  return binary
    ? { binary }
    : { missing: 'PgBouncer is not installed: apt-get install pgbouncer (Debian), or set PGBOUNCER_PATH' };
}

/**
 * PgBouncer in transaction mode on a free port in front of the cluster of `adminUrl`, for the roles
 * the stack's services log in as (the superuser of `adminUrl`, `postgres`, `authenticator`).
 */
export async function startTestPooler(adminUrl: string, keys: ProjectKeys): Promise<PgbouncerServer> {
  const url = new URL(adminUrl);
  return startPgbouncer({
    upstream: { host: url.hostname, port: Number(url.port || 5432) },
    port: await freePort(),
    users: [
      { name: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
      { name: 'postgres', password: keys.postgresPassword },
      { name: 'authenticator', password: keys.authenticatorPassword },
    ],
  });
}
