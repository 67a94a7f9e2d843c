// The dispatcher (src/events/dispatch.ts) against the real outbox: every event reaches every consumer
// exactly once even with two workers racing, a failing consumer keeps its cursor while the others move
// on, and an event whose transaction commits after a later one is not skipped.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { dispatchConsumer } from '../../src/events/dispatch.ts';
import type { DomainEvent, EventConsumer } from '../../src/events/types.ts';
import { queryPool, waitFor } from '../jobs/helpers.ts';

const stack = testStack();
let db: pg.Pool;

beforeAll(async () => {
  db = queryPool(stack.databaseUrl);
  await db.query(
    'create schema events_test; create table events_test.handled (consumer text not null, event_id bigint not null, worker text not null)',
  );
});
afterAll(async () => {
  await db.end();
});

/** Emits `count` events of a kind unique to the test; their ids in order. */
async function emit(kind: string, count: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select private.emit_event($1, null, i::text, $1 || ':' || i, jsonb_build_object('i', i))::text as id
       from generate_series(1, $2) as i order by i`,
    [kind, count],
  );
  return rows.map((row) => row.id);
}

/** A consumer that records what it handled in the dispatcher's transaction. */
function recorder(name: string, kind: string, worker: string, options: { fail?: () => boolean } = {}): EventConsumer {
  return {
    name,
    kinds: [kind],
    async handle(events: DomainEvent[], tx) {
      await tx.query(
        'insert into events_test.handled (consumer, event_id, worker) select $1, unnest($2::bigint[]), $3',
        [name, events.map((event) => event.id), worker],
      );
      if (options.fail?.()) throw new Error(`${name} failed`);
    },
  };
}

/**
 * Runs the consumer until it gets a batch. The dispatcher only reads events of transactions older than
 * every running one in the cluster, so a writing transaction elsewhere (another test file's database)
 * can hold a fresh event back for a moment.
 */
async function nextBatch(consumer: EventConsumer) {
  return waitFor(
    async () => {
      const run = await dispatchConsumer(db, consumer);
      return run.status === 'done' && run.handled === 0 ? undefined : run;
    },
    { what: `a batch for ${consumer.name}`, intervalMs: 20 },
  );
}

async function handled(consumer: string): Promise<string[]> {
  const { rows } = await db.query<{ event_id: string }>(
    'select event_id::text from events_test.handled where consumer = $1 order by event_id',
    [consumer],
  );
  return rows.map((row) => row.event_id);
}

describe('the dispatcher', () => {
  it('hands each event to a consumer exactly once with two workers racing', async () => {
    const kind = 'test.race';
    const ids = await emit(kind, 1_100);
    const pools = [
      new pg.Pool({ connectionString: stack.databaseUrl, max: 2 }),
      new pg.Pool({ connectionString: stack.databaseUrl, max: 2 }),
    ];
    let finished = false;
    try {
      await Promise.all([
        ...pools.map(async (pool, index) => {
          const consumer = recorder('racer', kind, `w${index}`);
          while (!finished) {
            const run = await dispatchConsumer(pool, consumer, { batchSize: 100 });
            if (run.status === 'failed') throw run.error;
            if (run.status !== 'done' || run.scanned === 0) await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }),
        waitFor(async () => (await handled('racer')).length >= ids.length, {
          timeoutMs: 30_000,
          what: 'all events',
        }).finally(() => {
          finished = true;
        }),
      ]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    const got = await handled('racer');
    expect(got.length).toBe(ids.length);
    expect(new Set(got)).toEqual(new Set(ids));
    const { rows } = await db.query<{ workers: number }>(
      `select count(distinct worker)::int as workers from events_test.handled where consumer = 'racer'`,
    );
    // Both workers did work or one skipped: either way no event twice (checked above).
    expect(rows[0]?.workers).toBeGreaterThanOrEqual(1);
  });

  it('leaves a failing consumer’s cursor where it was while the others move on', async () => {
    const kind = 'test.failure';
    const ids = await emit(kind, 3);
    let failing = true;
    const flaky = recorder('flaky', kind, 'w', { fail: () => failing });
    const steady = recorder('steady', kind, 'w');
    expect((await nextBatch(flaky)).status).toBe('failed');
    expect(await nextBatch(steady)).toMatchObject({ status: 'done', handled: 3 });
    // Its writes rolled back with its cursor: nothing recorded, the same batch is offered again.
    expect(await handled('flaky')).toEqual([]);
    const cursor = async () =>
      (await db.query(`select last_tx_id::text, last_id::text from private.event_cursors where consumer = 'flaky'`))
        .rows[0];
    const before = await cursor();
    expect(await dispatchConsumer(db, flaky)).toMatchObject({ status: 'failed' });
    expect(await cursor()).toEqual(before);
    expect(BigInt(before?.last_id)).toBeLessThan(BigInt(ids[0] as string));
    failing = false;
    expect(await dispatchConsumer(db, flaky)).toMatchObject({ status: 'done', handled: 3 });
    expect(await handled('flaky')).toEqual(ids);
    expect(await handled('steady')).toEqual(ids);
    expect(await dispatchConsumer(db, flaky)).toMatchObject({ status: 'done', scanned: 0 });
  });

  it('does not skip an event whose transaction commits after a later event’s', async () => {
    const kind = 'test.late';
    const consumer = recorder('late', kind, 'w');
    // A slow transaction takes an id first and commits last.
    const slow = new pg.Client({ connectionString: stack.databaseUrl });
    await slow.connect();
    try {
      await slow.query('begin');
      const { rows: early } = await slow.query<{ id: string }>(
        `select private.emit_event($1, null, 'early', $1 || ':early')::text as id`,
        [kind],
      );
      const [later] = await emit(kind, 1);
      // The later event is committed, but the slow transaction is still running: nothing is handed out
      // past it (the later one waits, it is not handled before the early one).
      let run = await dispatchConsumer(db, consumer);
      while (run.status === 'done' && run.scanned > 0) run = await dispatchConsumer(db, consumer);
      expect(await handled('late')).toEqual([]);
      // …and the run says so, for the worker to look again in a second instead of at the next tick.
      expect(run).toMatchObject({ status: 'done', scanned: 0, held: true });
      await slow.query('commit');
      await waitFor(async () => (await dispatchConsumer(db, consumer)) && (await handled('late')).length === 2, {
        what: 'both events',
      });
      expect((await handled('late')).sort()).toEqual([early[0]?.id, later].sort());
    } finally {
      await slow.end();
    }
  });

  it('moves the cursor past kinds the consumer does not want without calling it', async () => {
    await emit(`test.other${randomUUID().slice(0, 4).replace(/[0-9]/g, 'x')}`, 5);
    let calls = 0;
    const picky: EventConsumer = {
      name: 'picky',
      kinds: ['test.never'],
      async handle() {
        calls++;
      },
    };
    const other = await emit('test.other', 1);
    // Until the cursor has passed the last event emitted (all of them, other kinds included).
    await waitFor(
      async () => {
        const run = await dispatchConsumer(db, picky);
        expect(run).toMatchObject({ status: 'done', handled: 0 });
        const { rows } = await db.query<{ last_id: string }>(
          `select last_id::text from private.event_cursors where consumer = 'picky'`,
        );
        return BigInt(rows[0]?.last_id ?? 0) >= BigInt(other[0] as string);
      },
      { what: 'the cursor to pass every event' },
    );
    expect(calls).toBe(0);
  });
});
