// The real `coko dev --reset` in a state folder of its own (COKO_STATE_DIR): the second start comes
// from the cluster snapshot the first one kept, and Ctrl-C stops everything whenever it arrives —
// sent the instant the banner appears (a signal once lost there left Postgres and PostgREST
// running) or during start-up.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterSnapshotKey, SNAPSHOT_DIR } from '../../src/stack/cluster-snapshot.ts';
import { makeTempDir } from '../../src/stack/paths.ts';
import { alive, descendants } from '../proc.ts';

const BIN = fileURLToPath(new URL('../../bin/coko.mjs', import.meta.url));
const RUN = fileURLToPath(new URL('../../../../scripts/run.mjs', import.meta.url));
const state = makeTempDir('coko-dev-cli-');
const running = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of running) {
    child.kill('SIGINT');
    await exitOf(child, 15_000).catch(() => child.kill('SIGKILL'));
  }
  rmSync(state, { recursive: true, force: true });
});

interface DevRun {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the output once it matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * `coko dev --reset`, or (`readme`) the README's `npm run dev -- --reset` as npm runs it: `node
 * scripts/run.mjs dev`, in a process group of its own, as a terminal's Ctrl-C reaches it.
 */
function startDev(how: 'cli' | 'readme' = 'cli'): DevRun {
  const args = how === 'cli' ? [BIN, 'dev'] : [RUN, 'dev'];
  const child = spawn(process.execPath, [...args, '--reset', '--port', '0'], {
    env: { ...process.env, COKO_STATE_DIR: state },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: how === 'readme',
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
        const check = () => {
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(output);
        };
        waiters.add(check);
        child.once('exit', () => reject(new Error(`coko dev exited before ${pattern}:\n${output}`)));
        check();
      }),
  };
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after the signal`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** SIGINT the instant `pattern` shows; then exit 0 within 20 s, and none of its processes left. */
async function interruptAt(run: DevRun, pattern: RegExp, target: 'process' | 'group' = 'process'): Promise<void> {
  const pid = run.child.pid as number;
  let servers: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (!pattern.test(run.output())) return;
      run.child.stdout?.off('data', onData);
      run.child.stderr?.off('data', onData);
      if (target === 'group') process.kill(-pid, 'SIGINT');
      else run.child.kill('SIGINT');
      // Postgres and PostgREST, when they have started (they take longer to stop); Linux only.
      servers = existsSync('/proc/self/stat') ? descendants(pid).map((child) => child.pid) : [];
      resolve();
    };
    run.child.stdout?.on('data', onData);
    run.child.stderr?.on('data', onData);
    run.child.once('exit', () => reject(new Error(`exited before ${pattern}:\n${run.output()}`)));
  });
  const code = await exitOf(run.child, 20_000);
  expect(code, `exit code ${code}; output:\n${run.output()}`).toBe(0);
  expect(run.output()).toContain('Stopped.');
  // Postgres's backends can take a moment to go after the postmaster has answered.
  for (let i = 0; i < 50 && servers.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  expect(servers.filter(alive)).toEqual([]);
}

describe('coko dev --reset', () => {
  it('keeps a snapshot of the migrated, seeded cluster, and the next reset starts from it', async () => {
    const first = startDev();
    await interruptAt(first, /Written to \.coko\/dev\.json/);
    expect(first.output()).toMatch(/migration\(s\) applied, demo data seeded/);
    expect(first.output()).toMatch(/✓ snapshot/);
    const snapshots = readdirSync(join(state, 'cache', SNAPSHOT_DIR));
    expect(snapshots).toEqual([clusterSnapshotKey()]);
    const firstInfo = JSON.parse(readFileSync(join(state, 'dev.json'), 'utf8'));

    const second = startDev();
    await second.waitFor(/Written to \.coko\/dev\.json/);
    expect(second.output()).toMatch(/✓ database copy/);
    expect(second.output()).toContain('migrated and seeded database copied from .coko/cache');
    expect(second.output()).not.toMatch(/migration\(s\) applied|✓ seed|✓ snapshot/);
    const info = JSON.parse(readFileSync(join(state, 'dev.json'), 'utf8'));
    // The snapshot's keys come with it: the roles' passwords in the copy were set from them.
    expect(info.publishableKey).toBe(firstInfo.publishableKey);
    const books = await fetch(`${info.url}/rest/v1/books?select=title&order=title&limit=3`, {
      headers: { apikey: info.publishableKey },
    });
    expect(books.status).toBe(200);
    expect(((await books.json()) as unknown[]).length).toBe(3);
    // The demo reader's token works against the copied database (auth.users came with it).
    const me = await fetch(`${info.url}/rest/v1/profiles?select=id`, {
      headers: { apikey: info.publishableKey, authorization: `Bearer ${info.demoUserToken}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual([{ id: '00000000-0000-4000-8000-000000000001' }]);
    // The first run's spare copy was moved into place; the next one is made in the background.
    const snapshot = join(state, 'cache', SNAPSHOT_DIR, clusterSnapshotKey());
    for (let i = 0; i < 300 && !existsSync(join(snapshot, 'spare')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(snapshot).sort()).toEqual(['keys.json', 'postgres', 'spare']);
    second.child.kill('SIGINT');
    expect(await exitOf(second.child, 20_000)).toBe(0);
  }, 240_000);

  it('drops a snapshot that does not start and makes the cluster from scratch', async () => {
    const snapshot = join(state, 'cache', SNAPSHOT_DIR, clusterSnapshotKey());
    // Make sure a snapshot is there (the first test may have run alone, or not at all).
    if (!existsSync(join(snapshot, 'keys.json'))) await interruptAt(startDev(), /Written to \.coko\/dev\.json/);
    // Damage both copies: without pg_control Postgres refuses to start.
    rmSync(join(snapshot, 'postgres', 'global', 'pg_control'));
    rmSync(join(snapshot, 'spare'), { recursive: true, force: true });

    const run = startDev();
    await interruptAt(run, /Written to \.coko\/dev\.json/);
    expect(run.output()).toMatch(/✓ database copy/);
    expect(run.output()).toMatch(/migration\(s\) applied, demo data seeded/);
    // A new snapshot replaced the damaged one.
    expect(existsSync(join(snapshot, 'postgres', 'global', 'pg_control'))).toBe(true);
  }, 240_000);

  it("the README's `npm run dev -- --reset` starts it, and Ctrl-C in the terminal stops every process", async () => {
    const run = startDev('readme');
    await interruptAt(run, /Written to \.coko\/dev\.json/, 'group');
    expect(run.output()).toMatch(/Coko is running/);
  }, 240_000);

  it('stops everything on a Ctrl-C during start-up, once what started can be stopped', async () => {
    const run = startDev();
    await interruptAt(run, /▸ PostgREST…/);
    expect(run.output()).toMatch(/SIGINT: stopping as soon as everything has started/);
  }, 120_000);
});
