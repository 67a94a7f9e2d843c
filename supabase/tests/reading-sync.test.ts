// public.sync_reading(changes, since): offline-first sync semantics, through PostgREST (supabase-js,
// committed) and, for concurrency, through raw Postgres connections.
//
// Covered: idempotent retries, last-writer-wins between devices (out-of-order arrival converges;
// a stale device never overwrites newer progress), annotation edit/delete races, tombstones in the
// feed, checkpoints (no change missed or repeated across syncs, paging, a transaction committing
// out of sequence order), per-item rejection of bad input, 400 (22023) for malformed calls — never
// a 500 — and the same last-writer-wins guard for plain PostgREST upserts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, type Row, rest, tokenFor } from './helpers.js';
import {
  at,
  type Change,
  change,
  connectAs,
  feedSize,
  locator,
  newBook,
  newReader,
  type Reader,
  settledWithin,
  statuses,
  sync,
  waitUntilBlocked,
} from './reading-helpers.js';

let BOOK = '';
let BOOK_2 = '';
let DRAFT = '';

beforeAll(async () => {
  BOOK = await newBook();
  BOOK_2 = await newBook();
  DRAFT = await newBook('draft');
});

async function progressRow(userId: string, bookId: string): Promise<Row | undefined> {
  const [row] = await adminQuery(
    `select locator, percentage::float8 as percentage, device_id, device_updated_at, change_seq::int8::text as change_seq
     from public.reading_progress where user_id = $1 and book_id = $2`,
    [userId, bookId],
  );
  return row;
}

async function annotationRow(id: string): Promise<Row | undefined> {
  const [row] = await adminQuery(
    `select id, kind, locator, selected_text, note, color, device_id, device_updated_at, deleted_at, change_seq::text as change_seq
     from public.annotations where id = $1`,
    [id],
  );
  return row;
}

async function count(table: string, userId: string): Promise<number> {
  const [row] = await adminQuery<{ n: number }>(`select count(*)::int as n from public.${table} where user_id = $1`, [
    userId,
  ]);
  return row!.n;
}

// =============================================================================================
// Basics
// =============================================================================================
describe('applying changes', () => {
  let reader: Reader;
  beforeAll(async () => {
    reader = await newReader();
  });

  it('applies each op and reports one result per change, in order', async () => {
    const annotation = randomUUID();
    const session = randomUUID();
    const result = await sync(reader.client, [
      change.progress(BOOK, 'phone', 1, locator({ totalProgression: 0.4321 })),
      change.annotation(annotation, BOOK, 'phone', 2, { kind: 'note', note: 'À relire', color: '#AA00FF' }),
      change.session(session, BOOK, 'phone', 0, 25),
    ]);
    expect(result.results).toEqual([
      { index: 0, status: 'applied' },
      { index: 1, status: 'applied' },
      { index: 2, status: 'applied' },
    ]);
    expect(await progressRow(reader.user.id, BOOK)).toMatchObject({ percentage: 43.21, device_id: 'phone' });
    expect(await annotationRow(annotation)).toMatchObject({ kind: 'note', note: 'À relire', color: '#aa00ff' });
    const [row] = await adminQuery('select pages_read, device_type from public.reading_sessions where id = $1', [
      session,
    ]);
    expect(row).toEqual({ pages_read: 3, device_type: 'android' });
  });

  it("does not echo the caller's own writes, but moves the checkpoint past them", async () => {
    const fresh = await newReader();
    const first = await sync(fresh.client, [change.progress(BOOK, 'phone', 1)]);
    expect(feedSize(first)).toBe(0);
    expect(first.checkpoint).toBeGreaterThan(0);
    const again = await sync(fresh.client, [], first.checkpoint);
    expect(feedSize(again)).toBe(0);
    expect(again.checkpoint).toBe(first.checkpoint);
    // Another device starting from scratch gets it, in camelCase with the server's fields.
    const other = await sync(fresh.client, [], 0);
    expect(other.changes.progress).toEqual([
      expect.objectContaining({
        bookId: BOOK,
        deviceId: 'phone',
        deviceUpdatedAt: at(1),
        percentage: 25,
        finishedAt: null,
        changeSeq: first.checkpoint,
        locator: locator(),
      }),
    ]);
  });

  it('an empty call returns the feed and a checkpoint', async () => {
    const fresh = await newReader();
    const { data, error, status } = await fresh.client.rpc('sync_reading', {});
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toEqual({
      results: [],
      changes: { progress: [], annotations: [], sessions: [] },
      checkpoint: 0,
      hasMore: false,
    });
  });

  it('marks a book as finished from 99 %, and keeps the date if the reader goes back', async () => {
    const fresh = await newReader();
    await sync(fresh.client, [change.progress(BOOK, 'phone', 10, locator({ totalProgression: 0.995 }))]);
    await sync(fresh.client, [change.progress(BOOK, 'phone', 20, locator({ totalProgression: 0.1 }))]);
    const [row] = await adminQuery(
      'select percentage::float8 as percentage, finished_at from public.reading_progress where user_id = $1',
      [fresh.user.id],
    );
    expect(row).toEqual({ percentage: 10, finished_at: new Date(at(10)) });
  });
});

// =============================================================================================
// Idempotency
// =============================================================================================
describe('idempotent retries', () => {
  it('the same batch twice: no duplicates, same statuses, nothing rewritten', async () => {
    const reader = await newReader();
    const ids = [randomUUID(), randomUUID()];
    const session = randomUUID();
    const batch: Change[] = [
      change.progress(BOOK, 'phone', 5),
      change.progress(BOOK_2, 'phone', 5),
      change.annotation(ids[0]!, BOOK, 'phone', 5),
      change.annotation(ids[1]!, BOOK, 'phone', 6, { kind: 'bookmark', selectedText: null }),
      change.deleteAnnotation(ids[1]!, BOOK, 'phone', 7),
      change.session(session, BOOK, 'phone', 0, 30),
      { op: 'bogus' },
    ];
    const first = await sync(reader.client, batch);
    const seqBefore = await adminQuery(
      `select change_seq::text from public.annotations where user_id = $1
       union all select change_seq::text from public.reading_progress where user_id = $1
       union all select change_seq::text from public.reading_sessions where user_id = $1 order by 1`,
      [reader.user.id],
    );
    // The response was lost: the device sends the same batch again, from the same checkpoint.
    const second = await sync(reader.client, batch);
    expect(statuses(first)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'rejected']);
    expect(second.results).toEqual(first.results);
    expect(await count('reading_progress', reader.user.id)).toBe(2);
    expect(await count('annotations', reader.user.id)).toBe(1);
    expect(await count('reading_sessions', reader.user.id)).toBe(1);
    const seqAfter = await adminQuery(
      `select change_seq::text from public.annotations where user_id = $1
       union all select change_seq::text from public.reading_progress where user_id = $1
       union all select change_seq::text from public.reading_sessions where user_id = $1 order by 1`,
      [reader.user.id],
    );
    expect(seqAfter).toEqual(seqBefore);
    // The retry's feed (since 0) has the rows once each; the second call wrote nothing.
    expect(second.changes.progress).toHaveLength(2);
    expect(second.changes.annotations).toHaveLength(1);
    expect(second.changes.sessions).toHaveLength(1);
    expect(second.checkpoint).toBe(first.checkpoint);
  });

  it('a row changed several times in one batch is written once, with the last applied change', async () => {
    const reader = await newReader();
    const result = await sync(reader.client, [
      change.progress(BOOK, 'phone', 5, locator({ href: 'five.xhtml' })),
      change.progress(BOOK, 'phone', 3, locator({ href: 'three.xhtml' })),
      change.progress(BOOK, 'phone', 7, locator({ href: 'seven.xhtml' })),
      change.progress(BOOK, 'phone', 6, locator({ href: 'six.xhtml' })),
    ]);
    expect(statuses(result)).toEqual(['applied', 'stale', 'applied', 'stale']);
    const row = await progressRow(reader.user.id, BOOK);
    expect(row).toMatchObject({ locator: locator({ href: 'seven.xhtml' }), device_updated_at: new Date(at(7)) });
    const [{ seqs }] = (await adminQuery(
      `select count(*)::int as seqs from public.reading_progress where user_id = $1`,
      [reader.user.id],
    )) as [{ seqs: number }];
    expect(seqs).toBe(1);
  });
});

// =============================================================================================
// Two devices
// =============================================================================================
describe('two devices editing the same book', () => {
  it('a stale device never overwrites newer progress', async () => {
    const reader = await newReader();
    const phone = await sync(reader.client, [change.progress(BOOK, 'phone', 60, locator({ href: 'phone.xhtml' }))]);
    // The tablet was offline; its older position arrives later.
    const tablet = await sync(reader.client, [change.progress(BOOK, 'tablet', 30, locator({ href: 'tablet.xhtml' }))]);
    expect(statuses(phone)).toEqual(['applied']);
    expect(statuses(tablet)).toEqual(['stale']);
    expect(await progressRow(reader.user.id, BOOK)).toMatchObject({
      device_id: 'phone',
      locator: locator({ href: 'phone.xhtml' }),
    });
    // …and the tablet learns the newer position from the feed.
    expect(tablet.changes.progress).toEqual([expect.objectContaining({ deviceId: 'phone', deviceUpdatedAt: at(60) })]);
  });

  it.each([
    { order: 'newer first', first: 'phone', second: 'tablet' },
    { order: 'older first', first: 'tablet', second: 'phone' },
  ])('out-of-order writes converge ($order)', async ({ first, second }) => {
    const reader = await newReader();
    const edits: Record<string, Change> = {
      phone: change.progress(BOOK, 'phone', 60, locator({ href: 'phone.xhtml' })),
      tablet: change.progress(BOOK, 'tablet', 30, locator({ href: 'tablet.xhtml' })),
    };
    await sync(reader.client, [edits[first]!]);
    await sync(reader.client, [edits[second]!]);
    expect(await progressRow(reader.user.id, BOOK)).toMatchObject({
      device_id: 'phone',
      device_updated_at: new Date(at(60)),
    });
  });

  it.each([
    ['a-device', 'b-device'],
    ['b-device', 'a-device'],
  ])('equal device clocks: the device id breaks the tie the same way in any order (%s first)', async (x, y) => {
    const reader = await newReader();
    await sync(reader.client, [change.progress(BOOK, x, 45, locator({ href: `${x}.xhtml` }))]);
    await sync(reader.client, [change.progress(BOOK, y, 45, locator({ href: `${y}.xhtml` }))]);
    expect(await progressRow(reader.user.id, BOOK)).toMatchObject({ device_id: 'b-device' });
  });

  it('the same guard holds for plain PostgREST upserts (Prefer: resolution=merge-duplicates)', async () => {
    const reader = await newReader();
    const upsert = (deviceId: string, minutes: number, href: string) =>
      reader.client
        .from('reading_progress')
        .upsert({
          book_id: BOOK,
          locator: locator({ href, totalProgression: 0.6 }),
          device_id: deviceId,
          device_updated_at: at(minutes),
        })
        .select('device_id, percentage, change_seq');
    const newer = await upsert('phone', 60, 'phone.xhtml');
    expect(newer.error).toBeNull();
    expect(newer.status).toBe(201);
    expect(newer.data).toEqual([expect.objectContaining({ device_id: 'phone', percentage: 60 })]);
    const stale = await upsert('tablet', 30, 'tablet.xhtml');
    expect(stale.error).toBeNull();
    // The trigger skipped the update: nothing was written, nothing is returned.
    expect(stale.data).toEqual([]);
    expect(await progressRow(reader.user.id, BOOK)).toMatchObject({
      device_id: 'phone',
      locator: locator({ href: 'phone.xhtml', totalProgression: 0.6 }),
    });
    const newest = await upsert('tablet', 90, 'tablet.xhtml');
    expect(newest.data).toEqual([expect.objectContaining({ device_id: 'tablet' })]);
    expect(await count('reading_progress', reader.user.id)).toBe(1);
  });
});

// =============================================================================================
// Annotations: edit / delete races and tombstones
// =============================================================================================
describe('annotation edit vs delete', () => {
  let reader: Reader;
  beforeAll(async () => {
    reader = await newReader();
  });

  async function created(minutes = 10): Promise<string> {
    const id = randomUUID();
    const result = await sync(reader.client, [
      change.annotation(id, BOOK, 'phone', minutes, {
        kind: 'note',
        note: 'Très personnel',
        selectedText: 'Soundjata',
      }),
    ]);
    expect(statuses(result)).toEqual(['applied']);
    return id;
  }

  it('a delete newer than the last edit leaves a tombstone with the text erased', async () => {
    const id = await created();
    const result = await sync(reader.client, [change.deleteAnnotation(id, BOOK, 'tablet', 20)]);
    expect(statuses(result)).toEqual(['applied']);
    const row = await annotationRow(id);
    expect(row).toMatchObject({
      note: null,
      selected_text: null,
      device_id: 'tablet',
      device_updated_at: new Date(at(20)),
    });
    expect(row!.deleted_at).toBeInstanceOf(Date);
    expect(row!.locator).toEqual(locator()); // the position stays, the quoted text is gone
  });

  it('an edit older than the delete, arriving after it, is stale: the annotation stays deleted', async () => {
    const id = await created();
    await sync(reader.client, [change.deleteAnnotation(id, BOOK, 'tablet', 30)]);
    const late = await sync(reader.client, [change.annotation(id, BOOK, 'phone', 20, { note: 'edited offline' })]);
    expect(statuses(late)).toEqual(['stale']);
    expect(await annotationRow(id)).toMatchObject({ note: null, deleted_at: expect.any(Date) });
  });

  it('a delete older than the latest edit loses', async () => {
    const id = await created();
    await sync(reader.client, [change.annotation(id, BOOK, 'phone', 40, { note: 'edited later' })]);
    const late = await sync(reader.client, [change.deleteAnnotation(id, BOOK, 'tablet', 30)]);
    expect(statuses(late)).toEqual(['stale']);
    expect(await annotationRow(id)).toMatchObject({ note: 'edited later', deleted_at: null });
  });

  it('an edit newer than the delete restores the annotation', async () => {
    const id = await created();
    await sync(reader.client, [change.deleteAnnotation(id, BOOK, 'tablet', 30)]);
    const revived = await sync(reader.client, [change.annotation(id, BOOK, 'phone', 50, { note: 'kept after all' })]);
    expect(statuses(revived)).toEqual(['applied']);
    expect(await annotationRow(id)).toMatchObject({ note: 'kept after all', deleted_at: null });
  });

  it('edit and delete in one batch are applied in order; both orders converge on the newest', async () => {
    const a = await created();
    const b = await created();
    const result = await sync(reader.client, [
      change.deleteAnnotation(a, BOOK, 'phone', 30),
      change.annotation(a, BOOK, 'phone', 20, { note: 'older edit' }),
      change.annotation(b, BOOK, 'phone', 20, { note: 'older edit' }),
      change.deleteAnnotation(b, BOOK, 'phone', 30),
    ]);
    expect(statuses(result)).toEqual(['applied', 'stale', 'applied', 'applied']);
    expect(await annotationRow(a)).toMatchObject({ deleted_at: expect.any(Date), note: null });
    expect(await annotationRow(b)).toMatchObject({ deleted_at: expect.any(Date), note: null });
  });

  it('deleting an annotation the server never stored is applied and stores nothing', async () => {
    const id = randomUUID();
    const result = await sync(reader.client, [change.deleteAnnotation(id, BOOK, 'phone', 30)]);
    expect(statuses(result)).toEqual(['applied']);
    expect(await annotationRow(id)).toBeUndefined();
  });

  it('created and deleted in the same batch: nothing is stored', async () => {
    const id = randomUUID();
    const result = await sync(reader.client, [
      change.annotation(id, BOOK, 'phone', 10),
      change.deleteAnnotation(id, BOOK, 'phone', 11),
    ]);
    expect(statuses(result)).toEqual(['applied', 'applied']);
    expect(await annotationRow(id)).toBeUndefined();
  });

  it("tombstones appear in other devices' feeds", async () => {
    const fresh = await newReader();
    const id = randomUUID();
    const phone = await sync(fresh.client, [change.annotation(id, BOOK, 'phone', 10, { note: 'secret' })]);
    const tablet = await sync(fresh.client, [], 0);
    expect(tablet.changes.annotations).toEqual([expect.objectContaining({ id, note: 'secret', deletedAt: null })]);
    await sync(fresh.client, [change.deleteAnnotation(id, BOOK, 'phone', 20)], phone.checkpoint);
    const later = await sync(fresh.client, [], tablet.checkpoint);
    expect(later.changes.annotations).toEqual([
      expect.objectContaining({
        id,
        note: null,
        selectedText: null,
        deletedAt: expect.any(String),
        deviceUpdatedAt: at(20),
      }),
    ]);
  });
});

// =============================================================================================
// Sessions
// =============================================================================================
describe('sessions', () => {
  it('upsert by id; a session only grows (an earlier end is stale)', async () => {
    const reader = await newReader();
    const id = randomUUID();
    const result = await sync(reader.client, [
      change.session(id, BOOK, 'phone', 0, null, { pagesRead: 0 }),
      change.session(id, BOOK, 'phone', 0, 20, { pagesRead: 5 }),
      change.session(id, BOOK, 'phone', 0, 40, { pagesRead: 9 }),
      change.session(id, BOOK, 'phone', 0, 30, { pagesRead: 7 }),
    ]);
    expect(statuses(result)).toEqual(['applied', 'applied', 'applied', 'stale']);
    const late = await sync(reader.client, [change.session(id, BOOK, 'phone', 0, null, { pagesRead: 0 })]);
    expect(statuses(late)).toEqual(['stale']);
    const rows = await adminQuery('select ended_at, pages_read from public.reading_sessions where user_id = $1', [
      reader.user.id,
    ]);
    expect(rows).toEqual([{ ended_at: new Date(at(40)), pages_read: 9 }]);
  });
});

// =============================================================================================
// Checkpoints
// =============================================================================================
describe('checkpoints', () => {
  it('consecutive syncs miss nothing and repeat nothing', async () => {
    const reader = await newReader();
    const seen = new Map<string, number>();
    const record = (result: Awaited<ReturnType<typeof sync>>) => {
      for (const row of [...result.changes.progress, ...result.changes.annotations, ...result.changes.sessions]) {
        const key = `${String(row.id ?? `progress:${row.bookId}`)}@${row.changeSeq}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    };
    // Device B syncs between rounds of writes by device A.
    let checkpointB = 0;
    const written: string[] = [];
    for (let round = 0; round < 4; round++) {
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const resultA = await sync(
        reader.client,
        ids.map((id, i) => change.annotation(id, BOOK, 'device-a', round * 10 + i)),
      );
      expect(statuses(resultA)).toEqual(['applied', 'applied', 'applied']);
      written.push(...ids);
      const resultB = await sync(reader.client, [], checkpointB);
      expect(resultB.changes.annotations.map((row) => row.id).sort()).toEqual([...ids].sort());
      expect(resultB.checkpoint).toBeGreaterThan(checkpointB);
      checkpointB = resultB.checkpoint;
      record(resultB);
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.size).toBe(written.length);
    // Nothing new: the same checkpoint comes back and the feed is empty.
    const idle = await sync(reader.client, [], checkpointB);
    expect(feedSize(idle)).toBe(0);
    expect(idle.checkpoint).toBe(checkpointB);
  });

  it('an updated row comes back once with its new version', async () => {
    const reader = await newReader();
    const id = randomUUID();
    await sync(reader.client, [change.annotation(id, BOOK, 'a', 1, { note: 'v1' })]);
    const b1 = await sync(reader.client, [], 0);
    await sync(reader.client, [change.annotation(id, BOOK, 'a', 2, { note: 'v2' })]);
    const b2 = await sync(reader.client, [], b1.checkpoint);
    expect(b2.changes.annotations).toEqual([expect.objectContaining({ id, note: 'v2' })]);
    expect(feedSize(await sync(reader.client, [], b2.checkpoint))).toBe(0);
  });

  it('pages large feeds: 1000 rows per call, hasMore, no gap and no overlap', async () => {
    const reader = await newReader();
    await adminQuery(
      `insert into public.annotations (id, user_id, book_id, kind, locator, device_id, device_updated_at)
       select gen_random_uuid(), $1, $2, 'bookmark', $3, 'bulk', $4 from generate_series(1, 1234)`,
      [reader.user.id, BOOK, locator(), at(0)],
    );
    await sync(reader.client, [change.progress(BOOK, 'phone', 1)]);
    const first = await sync(reader.client, [], 0);
    expect(feedSize(first)).toBe(1000);
    expect(first.hasMore).toBe(true);
    const second = await sync(reader.client, [], first.checkpoint);
    expect(feedSize(second)).toBe(235);
    expect(second.hasMore).toBe(false);
    const seqs = [...first.changes.annotations, ...second.changes.annotations, ...second.changes.progress].map((row) =>
      Number(row.changeSeq),
    );
    expect(new Set(seqs).size).toBe(1235);
    expect(Math.max(...first.changes.annotations.map((row) => Number(row.changeSeq)))).toBe(first.checkpoint);
    expect(Math.min(...seqs.slice(1000))).toBeGreaterThan(first.checkpoint);
  });

  it('a transaction committing out of sequence order is not skipped', async () => {
    // T1 takes a change_seq for the reader and stays open; T2, for ANOTHER reader, takes a larger
    // one and commits first. The reader's feed must not move its checkpoint past T1's row.
    const reader = await newReader();
    const other = await newReader();
    const base = await sync(reader.client, [change.progress(BOOK, 'phone', 1)]);
    const t1 = await connectAs(reader.user);
    const t2 = await connectAs(other.user);
    const late = randomUUID();
    await t1.begin();
    const [{ seq: seq1 }] = (
      await t1.client.query(
        `insert into public.annotations (id, book_id, kind, locator, device_id, device_updated_at)
         values ($1, $2, 'note', $3, 't1', $4) returning change_seq::int8 as seq`,
        [late, BOOK, locator(), at(5)],
      )
    ).rows as [{ seq: string }];
    await t2.begin();
    const [{ seq: seq2 }] = (
      await t2.client.query(
        `insert into public.annotations (id, book_id, kind, locator, device_id, device_updated_at)
         values ($1, $2, 'note', $3, 't2', $4) returning change_seq::int8 as seq`,
        [randomUUID(), BOOK, locator(), at(5)],
      )
    ).rows as [{ seq: string }];
    expect(Number(seq2)).toBeGreaterThan(Number(seq1));
    await t2.commit();

    // The reader syncs while T1 is in flight: T1's row is invisible, and the checkpoint stays below it.
    const during = await sync(reader.client, [], base.checkpoint);
    expect(feedSize(during)).toBe(0);
    expect(during.checkpoint).toBeLessThan(Number(seq1));

    await t1.commit();
    const after = await sync(reader.client, [], during.checkpoint);
    expect(after.changes.annotations.map((row) => row.id)).toEqual([late]);
    expect(feedSize(await sync(reader.client, [], after.checkpoint))).toBe(0);
  });

  it("a reader's writers are serialised: a second writer waits, so it cannot commit a smaller change_seq later", async () => {
    const reader = await newReader();
    const t1 = await connectAs(reader.user);
    const t2 = await connectAs(reader.user);
    const first = randomUUID();
    const second = randomUUID();
    await t1.begin();
    await t1.client.query(
      `insert into public.annotations (id, book_id, kind, locator, device_id, device_updated_at)
       values ($1, $2, 'note', $3, 't1', $4)`,
      [first, BOOK, locator(), at(5)],
    );
    await t2.begin();
    const pending = t2.client.query(
      `insert into public.annotations (id, book_id, kind, locator, device_id, device_updated_at)
       values ($1, $2, 'note', $3, 't2', $4) returning change_seq::int8 as seq`,
      [second, BOOK, locator(), at(6)],
    );
    await waitUntilBlocked(t2.pid);
    // A sync with changes waits too; a read-only sync does not, and sees neither row.
    const syncing = sync(reader.client, [change.progress(BOOK, 'phone', 1)], 0);
    const readOnly = await sync(reader.client, [], 0);
    expect(feedSize(readOnly)).toBe(0);
    expect(readOnly.checkpoint).toBe(0);
    expect(await settledWithin(syncing, 300)).toBe(false);

    await t1.commit();
    const { rows } = await pending;
    await t2.commit();
    const synced = await syncing;
    const [firstRow] = await adminQuery<{ seq: string }>(
      'select change_seq::text as seq from public.annotations where id = $1',
      [first],
    );
    expect(Number(rows[0].seq)).toBeGreaterThan(Number(firstRow!.seq));
    // The waiting sync saw both committed rows and moved its checkpoint past them and its own write.
    expect(synced.changes.annotations.map((row) => row.id).sort()).toEqual([first, second].sort());
    expect(synced.checkpoint).toBeGreaterThan(Number(rows[0].seq));
    expect(feedSize(await sync(reader.client, [], synced.checkpoint))).toBe(0);
  });
});

// =============================================================================================
// Bad input: rejected per change, or 400 for the whole call; never a 500
// =============================================================================================
describe('bad input', () => {
  let reader: Reader;
  const existing = randomUUID();
  beforeAll(async () => {
    reader = await newReader();
    await sync(reader.client, [change.annotation(existing, BOOK, 'phone', 1)]);
  });

  const id = () => randomUUID();
  const valid = () => change.progress(BOOK, 'phone', 1);
  const LOCATOR_ERROR = expect.stringMatching(/^locator is not a valid Readium locator/);

  const cases: [string, () => Change, unknown][] = [
    [
      'unknown op',
      () => ({ ...valid(), op: 'progress.delete' }),
      expect.stringMatching(/^unknown op "progress.delete"/),
    ],
    ['missing op', () => ({ bookId: BOOK }), expect.stringMatching(/^unknown op \(missing\)/)],
    ['not an object', () => 42 as unknown as Change, 'a change must be a JSON object'],
    ['bookId not a UUID', () => ({ ...valid(), bookId: 'book-1' }), 'bookId must be a UUID'],
    ['annotation id not a UUID', () => change.annotation('nope', BOOK, 'phone', 1), 'id must be a UUID'],
    [
      'deviceId missing',
      () => ({ ...valid(), deviceId: undefined }),
      'deviceId must be a string of 1 to 64 characters',
    ],
    [
      'deviceId too long',
      () => ({ ...valid(), deviceId: 'd'.repeat(65) }),
      'deviceId must be a string of 1 to 64 characters',
    ],
    [
      'deviceUpdatedAt garbage',
      () => ({ ...valid(), deviceUpdatedAt: 'yesterday' }),
      'deviceUpdatedAt must be an ISO 8601 timestamp',
    ],
    [
      'deviceUpdatedAt a number',
      () => ({ ...valid(), deviceUpdatedAt: 1700000000 }),
      'deviceUpdatedAt must be an ISO 8601 timestamp',
    ],
    [
      'deviceUpdatedAt days ahead',
      () => ({ ...valid(), deviceUpdatedAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }),
      'deviceUpdatedAt is more than one day in the future',
    ],
    ['locator missing', () => ({ ...valid(), locator: undefined }), LOCATOR_ERROR],
    ['locator without href', () => ({ ...valid(), locator: { ...locator(), href: undefined } }), LOCATOR_ERROR],
    ['locator href too long', () => ({ ...valid(), locator: locator({ href: 'x'.repeat(2049) }) }), LOCATOR_ERROR],
    ['locator progression > 1', () => ({ ...valid(), locator: locator({ progression: 1.5 }) }), LOCATOR_ERROR],
    [
      'locator totalProgression as text',
      () => ({ ...valid(), locator: { ...locator(), locations: { progression: 0.1, totalProgression: '0.5' } } }),
      LOCATOR_ERROR,
    ],
    ['locator position 0', () => ({ ...valid(), locator: locator({ position: 0 }) }), LOCATOR_ERROR],
    ['locator position 2.5', () => ({ ...valid(), locator: locator({ position: 2.5 }) }), LOCATOR_ERROR],
    [
      'locator text too long',
      () => change.annotation(id(), BOOK, 'phone', 1, { locator: locator({ highlight: 'h'.repeat(2001) }) }),
      LOCATOR_ERROR,
    ],
    ['locator an array', () => ({ ...valid(), locator: [1, 2] }), LOCATOR_ERROR],
    [
      'kind unknown',
      () => change.annotation(id(), BOOK, 'phone', 1, { kind: 'underline' }),
      'kind must be highlight, note or bookmark',
    ],
    [
      'color by name',
      () => change.annotation(id(), BOOK, 'phone', 1, { color: 'yellow' }),
      'color must be a #rrggbb hex colour',
    ],
    [
      'color short form',
      () => change.annotation(id(), BOOK, 'phone', 1, { color: '#fff' }),
      'color must be a #rrggbb hex colour',
    ],
    [
      'note of 10001 characters',
      () => change.annotation(id(), BOOK, 'phone', 1, { note: 'n'.repeat(10_001) }),
      'note must be a string of at most 10000 characters',
    ],
    [
      'selectedText of 10001 characters',
      () => change.annotation(id(), BOOK, 'phone', 1, { selectedText: 's'.repeat(10_001) }),
      'selectedText must be a string of at most 10000 characters',
    ],
    [
      'note not a string',
      () => change.annotation(id(), BOOK, 'phone', 1, { note: { text: 'x' } }),
      'note must be a string of at most 10000 characters',
    ],
    [
      'session without startedAt',
      () => change.session(id(), BOOK, 'phone', 0, 10, { startedAt: undefined }),
      'startedAt must be an ISO 8601 timestamp',
    ],
    [
      'session ending before it starts',
      () => change.session(id(), BOOK, 'phone', 30, 10),
      'endedAt must be after startedAt and at most one day later',
    ],
    [
      'session of two days',
      () => change.session(id(), BOOK, 'phone', 0, 2 * 1440),
      'endedAt must be after startedAt and at most one day later',
    ],
    [
      'session pagesRead negative',
      () => change.session(id(), BOOK, 'phone', 0, 10, { pagesRead: -1 }),
      'pagesRead must be a non-negative integer',
    ],
    [
      'session progression 2',
      () => change.session(id(), BOOK, 'phone', 0, 10, { endProgression: 2 }),
      'endProgression must be a number from 0 to 1',
    ],
    [
      'session deviceType unknown',
      () => change.session(id(), BOOK, 'phone', 0, 10, { deviceType: 'kindle' }),
      'deviceType must be web, android, ios or other',
    ],
    ['unknown book', () => change.progress(randomUUID(), 'phone', 1), 'book not found'],
    ['draft book', () => change.annotation(id(), DRAFT, 'phone', 1), 'book not found'],
    [
      'existing annotation, other book',
      () => change.annotation(existing, BOOK_2, 'phone', 99),
      'bookId does not match the book this id belongs to',
    ],
  ];

  it.each(cases)(
    '%s: rejected with a clear message, the valid neighbours still apply',
    async (_label, bad, message) => {
      const before = randomUUID();
      const after = randomUUID();
      const result = await sync(reader.client, [
        change.annotation(before, BOOK, 'phone', 1),
        bad(),
        change.annotation(after, BOOK, 'phone', 1),
      ]);
      expect(result.results).toEqual([
        { index: 0, status: 'applied' },
        { index: 1, status: 'rejected', error: message },
        { index: 2, status: 'applied' },
      ]);
      expect(await annotationRow(before)).toBeDefined();
      expect(await annotationRow(after)).toBeDefined();
    },
  );

  it('a new id whose later change names another book is rejected', async () => {
    const fresh = randomUUID();
    const result = await sync(reader.client, [
      change.annotation(fresh, BOOK, 'phone', 1),
      change.annotation(fresh, BOOK_2, 'phone', 2),
    ]);
    expect(result.results).toEqual([
      { index: 0, status: 'applied' },
      { index: 1, status: 'rejected', error: 'bookId does not match the book this id belongs to' },
    ]);
  });

  async function call(body: unknown): Promise<{ status: number; json: Row }> {
    const response = await rest('/rpc/sync_reading', {
      method: 'POST',
      token: await tokenFor(reader.user),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Row };
  }

  it('1001 changes: 400 with 22023, nothing applied', async () => {
    const ids = Array.from({ length: 1001 }, () => randomUUID());
    const { status, json } = await call({ changes: ids.map((i) => change.annotation(i, BOOK, 'phone', 1)) });
    expect(status).toBe(400);
    expect(json).toMatchObject({
      code: '22023',
      message: 'too many changes: 1001 (at most 1000 per call; send the rest in another call)',
    });
    expect(await annotationRow(ids[0]!)).toBeUndefined();
  });

  it('1000 changes are accepted', async () => {
    const changes = Array.from({ length: 1000 }, (_, i) => change.annotation(randomUUID(), BOOK, 'phone', i));
    const { status, json } = await call({ changes });
    expect(status).toBe(200);
    expect((json.results as Row[]).every((r) => r.status === 'applied')).toBe(true);
  });

  it.each([
    ['changes is an object', { changes: { op: 'progress.save' } }, 'changes must be a JSON array'],
    ['changes is a string', { changes: 'oops' }, 'changes must be a JSON array'],
    ['since is negative', { changes: [], since: -1 }, 'since must be a checkpoint returned by sync_reading (≥ 0)'],
  ])('%s: 400 with 22023', async (_label, body, message) => {
    const { status, json } = await call(body);
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: '22023', message });
  });

  it('since is not a number: 400 (22P02)', async () => {
    const { status, json } = await call({ changes: [], since: 'abc' });
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: '22P02' });
  });

  it('a body that is not JSON: 400 (PGRST102)', async () => {
    const response = await rest('/rpc/sync_reading', {
      method: 'POST',
      token: await tokenFor(reader.user),
      headers: { 'content-type': 'application/json' },
      body: '{"changes": [',
    });
    expect(response.status).toBe(400);
  });

  it('a fuzzed batch of odd values never fails the call', async () => {
    const odd: unknown[] = [null, true, 'x', [], {}, { op: null }, { op: 'progress.save', bookId: null }];
    for (const value of [
      null,
      1e308,
      -1,
      '',
      'é'.repeat(5000),
      [],
      {},
      { a: { b: [] } },
      '2026-13-45T99:99:99Z',
      '0000-00-00',
    ]) {
      for (const key of [
        'id',
        'bookId',
        'deviceId',
        'deviceUpdatedAt',
        'locator',
        'kind',
        'note',
        'color',
        'startedAt',
        'endedAt',
        'pagesRead',
        'startProgression',
      ]) {
        odd.push({ ...change.annotation(randomUUID(), BOOK, 'phone', 1), [key]: value });
        odd.push({ ...change.session(randomUUID(), BOOK, 'phone', 0, 10), [key]: value });
      }
    }
    const { status, json } = await call({ changes: odd });
    expect(status).toBe(200);
    expect((json.results as Row[]).length).toBe(odd.length);
    expect((json.results as Row[]).every((r) => r.status !== 'rejected' || typeof r.error === 'string')).toBe(true);
  });
});

// =============================================================================================
// Table-level checks (plain PostgREST writes bypass sync_reading's validation)
// =============================================================================================
describe('table constraints for plain PostgREST writes', () => {
  let reader: Reader;
  beforeAll(async () => {
    reader = await newReader();
  });

  const annotation = (fields: Row = {}) => ({
    id: randomUUID(),
    book_id: BOOK,
    kind: 'highlight',
    locator: locator(),
    device_id: 'web',
    device_updated_at: at(1),
    ...fields,
  });

  it.each([
    ['a bad locator', { locator: { href: 'x' } }, 'annotations_locator_valid'],
    ['a colour name', { color: 'red' }, 'annotations_color_format'],
    ['a note of 10001 characters', { note: 'n'.repeat(10_001) }, 'annotations_note_length'],
    ['an empty device id', { device_id: '' }, 'annotations_device_id_length'],
    [
      'a device clock days ahead',
      { device_updated_at: new Date(Date.now() + 3 * 86_400_000).toISOString() },
      'device_updated_at is more than one day in the future',
    ],
  ])('annotations: %s is refused (400, 23514)', async (_label, fields, text) => {
    const { error, status } = await reader.client.from('annotations').insert(annotation(fields));
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '23514' });
    expect(error?.message).toContain(text);
  });

  it('colours are stored in lower case', async () => {
    const row = annotation({ color: '#ABCDEF' });
    const { data } = await reader.client.from('annotations').insert(row).select('color');
    expect(data).toEqual([{ color: '#abcdef' }]);
  });

  it('a tombstone written through PostgREST erases the text', async () => {
    const row = annotation({ note: 'secret', selected_text: 'quote', locator: locator({ highlight: 'quote' }) });
    await reader.client.from('annotations').insert(row);
    const { data, error } = await reader.client
      .from('annotations')
      .update({ deleted_at: new Date().toISOString(), device_updated_at: at(2) })
      .eq('id', row.id)
      .select('note, selected_text, locator');
    expect(error).toBeNull();
    expect(data).toEqual([{ note: null, selected_text: null, locator: locator() }]);
  });

  it('an annotation cannot move to another book (400, 22023)', async () => {
    const row = annotation();
    await reader.client.from('annotations').insert(row);
    const { error, status } = await reader.client.from('annotations').update({ book_id: BOOK_2 }).eq('id', row.id);
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '22023', message: 'an annotation cannot move to another id, reader or book' });
  });

  it('sessions: an end before the start is refused (400, 23514)', async () => {
    const { error, status } = await reader.client.from('reading_sessions').insert({
      id: randomUUID(),
      book_id: BOOK,
      started_at: at(10),
      ended_at: at(0),
      device_id: 'web',
    });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '23514' });
  });

  it('progress: percentage follows the locator', async () => {
    const { data } = await reader.client
      .from('reading_progress')
      .upsert({
        book_id: BOOK_2,
        locator: locator({ totalProgression: 0.12345 }),
        device_id: 'web',
        device_updated_at: at(1),
      })
      .select('percentage');
    expect(data).toEqual([{ percentage: 12.35 }]);
  });
});

// =============================================================================================
// Account deletion
// =============================================================================================
describe('account anonymisation', () => {
  it("erases the reader's progress, annotations and sessions", async () => {
    const reader = await newReader();
    await sync(reader.client, [
      change.progress(BOOK, 'phone', 1),
      change.annotation(randomUUID(), BOOK, 'phone', 1, { note: 'personal' }),
      change.session(randomUUID(), BOOK, 'phone', 0, 10),
    ]);
    await adminQuery('select private.anonymize_account($1)', [reader.user.id]);
    for (const table of ['reading_progress', 'annotations', 'reading_sessions']) {
      expect(await count(table, reader.user.id)).toBe(0);
    }
  });
});
