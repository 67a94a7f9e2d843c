// The cluster snapshot `coko dev` starts a reset from: what its key is made of, and how it is kept,
// restored and replenished (plain folders here; test/cli/dev.test.ts runs the real CLI on it).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ClusterState,
  clusterSnapshotKey,
  replenishSpare,
  restoreClusterSnapshot,
  SNAPSHOT_DIR,
  saveClusterSnapshot,
  usableClusterSnapshot,
} from '../../src/stack/cluster-snapshot.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coko-snapshot-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function inputs() {
  const migrationsDir = join(dir, 'migrations');
  mkdirSync(migrationsDir, { recursive: true });
  writeFileSync(join(migrationsDir, '20260101000000_one.sql'), 'create table one ();');
  writeFileSync(join(dir, 'seed.sql'), 'insert into one default values;');
  writeFileSync(join(dir, 'bootstrap.sql'), 'create role anon;');
  return { migrationsDir, seedFile: join(dir, 'seed.sql'), bootstrapFile: join(dir, 'bootstrap.sql') };
}

/** A stand-in for a stopped cluster's data folder and its keys. */
function clusterState(name: string, content: string): ClusterState {
  const state = { dataDir: join(dir, name, 'postgres'), keysFile: join(dir, name, 'keys.json') };
  mkdirSync(join(state.dataDir, 'base'), { recursive: true });
  writeFileSync(join(state.dataDir, 'PG_VERSION'), '17');
  writeFileSync(join(state.dataDir, 'base', '1'), content);
  writeFileSync(state.keysFile, JSON.stringify({ adminPassword: content }));
  return state;
}

const emptyState = (name: string): ClusterState => ({
  dataDir: join(dir, name, 'postgres'),
  keysFile: join(dir, name, 'keys.json'),
});

describe('clusterSnapshotKey', () => {
  it('is the same for the same migrations, seed and bootstrap, and changes with any of them', () => {
    const files = inputs();
    const key = clusterSnapshotKey(files);
    expect(clusterSnapshotKey(files)).toBe(key);

    writeFileSync(join(files.migrationsDir, '20260101000000_one.sql'), 'create table one (id int);');
    const edited = clusterSnapshotKey(files);
    expect(edited).not.toBe(key);

    writeFileSync(join(files.migrationsDir, '20260102000000_two.sql'), 'create table two ();');
    const added = clusterSnapshotKey(files);
    expect(added).not.toBe(edited);

    writeFileSync(files.seedFile, 'insert into one values (1);');
    const reseeded = clusterSnapshotKey(files);
    expect(reseeded).not.toBe(added);

    writeFileSync(files.bootstrapFile, 'create role anon; create role authenticated;');
    expect(clusterSnapshotKey(files)).not.toBe(reseeded);
  });

  it('covers the real project: migrations, seed and bootstrap are found', () => {
    expect(clusterSnapshotKey()).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('saving and restoring a snapshot', () => {
  const cache = () => join(dir, 'cache');

  it('restores a copy with its keys into an empty state, only there, and never an unfinished one', async () => {
    const snapshot = saveClusterSnapshot(cache(), 'k1', clusterState('first', 'rows v1'));
    expect(readdirSync(join(cache(), SNAPSHOT_DIR))).toEqual(['k1']);

    const target = emptyState('second');
    expect(usableClusterSnapshot(cache(), 'k1', target)).toBe(snapshot);
    expect(usableClusterSnapshot(cache(), 'other', target)).toBeNull();
    expect(restoreClusterSnapshot(snapshot, target)).toBe('copy');
    expect(readFileSync(join(target.dataDir, 'base', '1'), 'utf8')).toBe('rows v1');
    expect(JSON.parse(readFileSync(target.keysFile, 'utf8'))).toEqual({ adminPassword: 'rows v1' });
    // A state that has a cluster or keys already is never overwritten.
    expect(usableClusterSnapshot(cache(), 'k1', target)).toBeNull();
    rmSync(target.dataDir, { recursive: true });
    expect(usableClusterSnapshot(cache(), 'k1', target)).toBeNull();

    // Without keys.json (written last) the snapshot is incomplete: not used.
    rmSync(join(snapshot, 'keys.json'));
    expect(usableClusterSnapshot(cache(), 'k1', emptyState('third'))).toBeNull();
  });

  it('moves the spare copy into place, then makes the next one from the untouched original', async () => {
    const snapshot = saveClusterSnapshot(cache(), 'k1', clusterState('first', 'rows v1'));
    // What a `coko dev` stopped in the middle of making a spare leaves behind.
    mkdirSync(join(snapshot, '.spare.99999', 'base'), { recursive: true });
    await replenishSpare(snapshot);
    expect(readdirSync(snapshot).sort()).toEqual(['keys.json', 'postgres', 'spare']);

    const target = emptyState('second');
    expect(restoreClusterSnapshot(snapshot, target)).toBe('spare');
    expect(existsSync(join(snapshot, 'spare'))).toBe(false);
    // The restored cluster is written to; the snapshot's original is not the same folder.
    writeFileSync(join(target.dataDir, 'base', '1'), 'rows written by the developer');

    await replenishSpare(snapshot);
    const again = emptyState('third');
    expect(restoreClusterSnapshot(snapshot, again)).toBe('spare');
    expect(readFileSync(join(again.dataDir, 'base', '1'), 'utf8')).toBe('rows v1');
    expect(readdirSync(snapshot).sort()).toEqual(['keys.json', 'postgres']);
  });

  it('keeps one snapshot: a new schema replaces the old one, and leftovers of an interrupted copy', () => {
    saveClusterSnapshot(cache(), 'k1', clusterState('first', 'rows v1'));
    mkdirSync(join(cache(), SNAPSHOT_DIR, '.k2.12345'), { recursive: true });
    saveClusterSnapshot(cache(), 'k2', clusterState('second', 'rows v2'));
    expect(readdirSync(join(cache(), SNAPSHOT_DIR))).toEqual(['k2']);
    const target = emptyState('third');
    restoreClusterSnapshot(join(cache(), SNAPSHOT_DIR, 'k2'), target);
    expect(readFileSync(join(target.dataDir, 'base', '1'), 'utf8')).toBe('rows v2');
  });
});
