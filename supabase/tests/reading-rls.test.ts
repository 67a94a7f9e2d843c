// Row level security of the reading tables: every table × every kind of caller × select/insert/
// update/delete, asserted in SQL (as the API role, inside a rolled-back transaction) and through
// PostgREST with supabase-js (committed, on throwaway rows).
//
// Rules under test (supabase/migrations/*_reading.sql):
// - reading_progress, annotations, reading_sessions: a reader sees and writes only their own rows.
//   Nobody else does: not another reader, not a reader of another partner, not a moderator and
//   not an admin (notes and highlights are private). The service role sees and writes everything.
// - anon has no privilege at all (permission denied, HTTP 401).
// - user_id comes from the token: a client cannot write it (column privilege: permission denied),
//   nor change_seq / percentage / created_at (maintained by triggers).
// - a reader may only start rows on a book they can see (drafts: RLS violation for non-admins).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  countRows,
  ensureTestUsers,
  permissionDenied,
  type Row,
  rest,
  rlsTable,
  rlsViolation,
  sql,
  sqlError,
  sqlFor,
  tokenFor,
  USERS,
} from './helpers.js';
import { at, change, locator, newBook, sync } from './reading-helpers.js';

// =============================================================================================
// Fixtures: one row of each table owned by USERS.user
// =============================================================================================
const OWNER = USERS.user.id;
let BOOK = '';
let FIXTURE_PROGRESS_BOOK = '';
const FIXTURE_ANNOTATION = randomUUID();
const FIXTURE_SESSION = randomUUID();

let counter = 0;
const next = () => ++counter;

async function insertProgress(userId: string, bookId: string): Promise<void> {
  await adminQuery(
    `insert into public.reading_progress (user_id, book_id, locator, device_id, device_updated_at)
     values ($1, $2, $3, 'fixture-device', $4)`,
    [userId, bookId, locator(), at(0)],
  );
}

async function insertAnnotation(userId: string, id: string): Promise<void> {
  await adminQuery(
    `insert into public.annotations (id, user_id, book_id, kind, locator, selected_text, note, device_id, device_updated_at)
     values ($1, $2, $3, 'note', $4, 'Soundjata', 'Private note', 'fixture-device', $5)`,
    [id, userId, BOOK, locator({ highlight: 'Soundjata' }), at(0)],
  );
}

async function insertSession(userId: string, id: string): Promise<void> {
  await adminQuery(
    `insert into public.reading_sessions (id, user_id, book_id, started_at, ended_at, pages_read, device_type, device_id)
     values ($1, $2, $3, $4, $5, 4, 'web', 'fixture-device')`,
    [id, userId, BOOK, at(0), at(20)],
  );
}

beforeAll(async () => {
  await ensureTestUsers();
  BOOK = await newBook();
  FIXTURE_PROGRESS_BOOK = await newBook();
  await insertProgress(OWNER, FIXTURE_PROGRESS_BOOK);
  await insertAnnotation(OWNER, FIXTURE_ANNOTATION);
  await insertSession(OWNER, FIXTURE_SESSION);
});

// =============================================================================================
// The tables
// =============================================================================================
type ReadingTable = 'reading_progress' | 'annotations' | 'reading_sessions';

interface TableSpec {
  table: ReadingTable;
  /** Key of the fixture row owned by USERS.user. */
  fixture: () => Row;
  /** A new row as a client sends it (no user_id). */
  newRow(): Promise<Row>;
  /** A change to apply in updates (newer device clock where last-writer-wins applies). */
  patch(): Row;
  /** Creates, as the superuser, a row owned by USERS.user to update or delete. */
  throwaway(): Promise<Row>;
}

const SPECS: TableSpec[] = [
  {
    table: rlsTable('reading_progress'),
    fixture: () => ({ user_id: OWNER, book_id: FIXTURE_PROGRESS_BOOK }),
    newRow: async () => ({
      book_id: await newBook(),
      locator: locator(),
      device_id: 'rls-device',
      device_updated_at: at(1),
    }),
    patch: () => {
      const n = next();
      return { device_id: `patched-${n}`, device_updated_at: at(100 + n) };
    },
    throwaway: async () => {
      const bookId = await newBook();
      await insertProgress(OWNER, bookId);
      return { user_id: OWNER, book_id: bookId };
    },
  },
  {
    table: rlsTable('annotations'),
    fixture: () => ({ id: FIXTURE_ANNOTATION }),
    newRow: async () => ({
      id: randomUUID(),
      book_id: BOOK,
      kind: 'highlight',
      locator: locator({ highlight: 'Kirina' }),
      selected_text: 'Kirina',
      device_id: 'rls-device',
      device_updated_at: at(1),
    }),
    patch: () => {
      const n = next();
      return { note: `Changed ${n}`, device_updated_at: at(100 + n) };
    },
    throwaway: async () => {
      const id = randomUUID();
      await insertAnnotation(OWNER, id);
      return { id };
    },
  },
  {
    table: rlsTable('reading_sessions'),
    fixture: () => ({ id: FIXTURE_SESSION }),
    newRow: async () => ({
      id: randomUUID(),
      book_id: BOOK,
      started_at: at(0),
      ended_at: at(15),
      pages_read: 2,
      device_type: 'ios',
      device_id: 'rls-device',
    }),
    patch: () => ({ pages_read: 10 + next() }),
    throwaway: async () => {
      const id = randomUUID();
      await insertSession(OWNER, id);
      return { id };
    },
  },
];

// =============================================================================================
// Statements
// =============================================================================================

// =============================================================================================
// Expectations
// =============================================================================================
/** Who sees and changes USERS.user's rows: the owner and the service role. */
const SEES_OWNER_ROWS: readonly ClientKind[] = ['user', 'service'];

function outcome(kind: ClientKind): 'allowed' | 'no-privilege' | 'hidden' {
  if (kind === 'anon') return 'no-privilege';
  return SEES_OWNER_ROWS.includes(kind) ? 'allowed' : 'hidden';
}

const VERDICT = {
  allowed: 'allowed',
  'no-privilege': 'permission denied (42501)',
  hidden: 'no row (not theirs)',
} as const;

/** The user id an insert by `kind` ends up owned by. */
const ownerOfInsert = (kind: ClientKind) => (kind === 'service' || kind === 'anon' ? OWNER : USERS[kind].id);

/** A new row as `kind` sends it: the service role has no token, so it names the owner. */
async function rowFor(spec: TableSpec, kind: ClientKind): Promise<Row> {
  const row = await spec.newRow();
  return kind === 'service' ? { ...row, user_id: OWNER } : row;
}

/** Key of an inserted row. */
function keyOf(table: ReadingTable, row: Row, kind: ClientKind): Row {
  return table === 'reading_progress' ? { user_id: ownerOfInsert(kind), book_id: row.book_id } : { id: row.id };
}

// =============================================================================================
// The matrix
// =============================================================================================
describe.each(SPECS)('$table', (spec) => {
  const { table } = spec;

  describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('as $kind', ({ kind }) => {
    const result = outcome(kind);

    // ----- select --------------------------------------------------------------------------
    it(`SQL select of the reader's row: ${VERDICT[result]}`, async () => {
      if (result === 'no-privilege') {
        const error = await sqlError(sqlFor(kind, (db) => sql.select(db, table, spec.fixture())));
        expect(error.code).toBe('42501');
        expect(error.message).toBe(permissionDenied(table));
        return;
      }
      const rows = await sqlFor(kind, (db) => sql.select(db, table, spec.fixture()));
      expect(rows.rowCount).toBe(result === 'allowed' ? 1 : 0);
    });

    it(`API select of the reader's row: ${VERDICT[result]}`, async () => {
      const client = await clientAs(kind);
      const { data, error, status } = await client.from(table).select('*').match(spec.fixture());
      if (result === 'no-privilege') {
        expect(status).toBe(401);
        expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
        return;
      }
      expect(error).toBeNull();
      expect(status).toBe(200);
      expect(data).toEqual(result === 'allowed' ? [expect.objectContaining(spec.fixture())] : []);
    });

    // ----- insert (own row) ----------------------------------------------------------------
    const insertVerdict = kind === 'anon' ? 'permission denied (42501)' : 'allowed, owned by the caller';

    it(`SQL insert: ${insertVerdict}`, async () => {
      const row = await rowFor(spec, kind);
      if (kind === 'anon') {
        const error = await sqlError(sqlFor(kind, (db) => sql.insert(db, table, row, { returning: true })));
        expect(error.code).toBe('42501');
        expect(error.message).toBe(permissionDenied(table));
        return;
      }
      const inserted = await sqlFor(kind, (db) => sql.insert(db, table, row, { returning: true }));
      expect(inserted.rowCount).toBe(1);
      expect(inserted.rows[0]).toMatchObject({ user_id: ownerOfInsert(kind) });
      expect(Number(inserted.rows[0].change_seq)).toBeGreaterThan(0);
    });

    it(`API insert: ${insertVerdict}`, async () => {
      const client = await clientAs(kind);
      const row = await rowFor(spec, kind);
      const { data, error, status } = await client.from(table).insert(row).select();
      if (kind === 'anon') {
        expect(status).toBe(401);
        expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
        expect(await countRows(table, keyOf(table, row, 'user'))).toBe(0);
        return;
      }
      expect(error).toBeNull();
      expect(status).toBe(201);
      expect(data).toEqual([expect.objectContaining({ user_id: ownerOfInsert(kind) })]);
      expect(await countRows(table, keyOf(table, row, kind))).toBe(1);
    });

    // ----- insert for someone else ---------------------------------------------------------
    if (kind !== 'service') {
      it('SQL insert naming another user_id: permission denied (42501)', async () => {
        const row = { ...(await spec.newRow()), user_id: kind === 'user' ? USERS.otherUser.id : OWNER };
        const error = await sqlError(sqlFor(kind, (db) => sql.insert(db, table, row, { returning: true })));
        expect(error.code).toBe('42501');
        expect(error.message).toBe(permissionDenied(table));
      });

      it('API insert naming another user_id: permission denied (42501)', async () => {
        const client = await clientAs(kind);
        const row = { ...(await spec.newRow()), user_id: kind === 'user' ? USERS.otherUser.id : OWNER };
        const { error, status } = await client.from(table).insert(row).select();
        expect(status).toBe(kind === 'anon' ? 401 : 403);
        expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
      });
    }

    // ----- update and delete the reader's rows --------------------------------------------
    it(`SQL update: ${VERDICT[result]}`, async () => {
      const key = await spec.throwaway();
      const patch = spec.patch();
      if (result === 'no-privilege') {
        const error = await sqlError(sqlFor(kind, (db) => sql.update(db, table, key, patch)));
        expect(error.code).toBe('42501');
        expect(error.message).toBe(permissionDenied(table));
        return;
      }
      const updated = await sqlFor(kind, (db) => sql.update(db, table, key, patch));
      expect(updated.rowCount).toBe(result === 'allowed' ? 1 : 0);
    });

    it(`API update: ${VERDICT[result]}`, async () => {
      const client = await clientAs(kind);
      const key = await spec.throwaway();
      const patch = spec.patch();
      const { data, error, status } = await client.from(table).update(patch).match(key).select();
      if (result === 'no-privilege') {
        expect(status).toBe(401);
        expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
      } else {
        expect(error).toBeNull();
        expect(data).toEqual(result === 'allowed' ? [expect.objectContaining(patch)] : []);
      }
      expect(await countRows(table, key, patch)).toBe(result === 'allowed' ? 1 : 0);
      expect(await countRows(table, key)).toBe(1);
    });

    it(`SQL delete: ${VERDICT[result]}`, async () => {
      const key = await spec.throwaway();
      if (result === 'no-privilege') {
        const error = await sqlError(sqlFor(kind, (db) => sql.delete(db, table, key)));
        expect(error.code).toBe('42501');
        expect(error.message).toBe(permissionDenied(table));
        return;
      }
      const deleted = await sqlFor(kind, (db) => sql.delete(db, table, key));
      expect(deleted.rowCount).toBe(result === 'allowed' ? 1 : 0);
    });

    it(`API delete: ${VERDICT[result]}`, async () => {
      const client = await clientAs(kind);
      const key = await spec.throwaway();
      const { data, error, status } = await client.from(table).delete().match(key).select();
      if (result === 'no-privilege') {
        expect(status).toBe(401);
        expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
      } else {
        expect(error).toBeNull();
        expect(data).toEqual(result === 'allowed' ? [expect.objectContaining(key)] : []);
      }
      expect(await countRows(table, key)).toBe(result === 'allowed' ? 0 : 1);
    });
  });
});

// =============================================================================================
// Privacy beyond the matrix
// =============================================================================================
describe('privacy of notes and highlights', () => {
  it.each(['admin', 'moderator', 'otherUser', 'partnerUser'] as const)(
    '%s lists no annotation of another reader, even without a filter (API)',
    async (kind) => {
      const client = await clientAs(kind);
      const { data, error } = await client.from('annotations').select('id, user_id, note');
      expect(error).toBeNull();
      expect((data ?? []).filter((row) => row.user_id !== USERS[kind].id)).toEqual([]);
    },
  );

  it("the service role sees every reader's rows (server side only)", async () => {
    const client = await clientAs('service');
    const { data, error } = await client.from('annotations').select('id, note').eq('id', FIXTURE_ANNOTATION);
    expect(error).toBeNull();
    expect(data).toEqual([{ id: FIXTURE_ANNOTATION, note: 'Private note' }]);
  });

  it.each(['otherUser', 'admin', 'partnerUser'] as const)(
    "%s's sync feed never contains another reader's rows",
    async (kind) => {
      const client = await clientAs(kind);
      const result = await sync(client, [], 0);
      const rows = [...result.changes.progress, ...result.changes.annotations, ...result.changes.sessions];
      expect(rows.map((row) => row.id)).not.toContain(FIXTURE_ANNOTATION);
      expect(rows.map((row) => row.id)).not.toContain(FIXTURE_SESSION);
      expect(result.changes.progress.map((row) => row.bookId)).not.toContain(FIXTURE_PROGRESS_BOOK);
    },
  );

  it("sync_reading cannot touch another reader's annotation (rejected per item, row unchanged)", async () => {
    const client = await clientAs('otherUser');
    const result = await sync(client, [
      change.annotation(FIXTURE_ANNOTATION, BOOK, 'attacker', 10_000, { note: 'pwned' }),
      change.deleteAnnotation(FIXTURE_ANNOTATION, BOOK, 'attacker', 10_001),
      change.session(FIXTURE_SESSION, BOOK, 'attacker', 0, 30),
    ]);
    expect(result.results).toEqual([
      { index: 0, status: 'rejected', error: "id is already used by another reader's row" },
      { index: 1, status: 'rejected', error: "id is already used by another reader's row" },
      { index: 2, status: 'rejected', error: "id is already used by another reader's row" },
    ]);
    expect(await countRows('annotations', { id: FIXTURE_ANNOTATION, note: 'Private note' })).toBe(1);
    expect(await countRows('reading_sessions', { id: FIXTURE_SESSION, pages_read: 4 })).toBe(1);
  });
});

// =============================================================================================
// Columns maintained by the server
// =============================================================================================
describe('columns clients cannot write', () => {
  const cases: [ReadingTable, string, unknown][] = [
    ['reading_progress', 'change_seq', 1],
    ['reading_progress', 'percentage', 50],
    ['reading_progress', 'finished_at', at(0)],
    ['reading_progress', 'created_at', at(0)],
    ['annotations', 'change_seq', 1],
    ['annotations', 'updated_at', at(0)],
    ['reading_sessions', 'change_seq', 1],
    ['reading_sessions', 'user_id', USERS.user.id],
  ];

  it.each(cases)('%s.%s: insert is refused (permission denied)', async (table, column, value) => {
    const spec = SPECS.find((s) => s.table === table)!;
    const client = await clientAs('user');
    const { error, status } = await client.from(table).insert({ ...(await spec.newRow()), [column]: value });
    expect(status).toBe(403);
    expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
  });

  it.each(cases)('%s.%s: update is refused (permission denied)', async (table, column, value) => {
    const spec = SPECS.find((s) => s.table === table)!;
    const error = await sqlError(sqlFor('user', (db) => sql.update(db, table, spec.fixture(), { [column]: value })));
    expect(error.code).toBe('42501');
    expect(error.message).toBe(permissionDenied(table));
  });
});

// =============================================================================================
// Books the reader cannot see
// =============================================================================================
describe('rows on draft books', () => {
  let draft = '';
  beforeAll(async () => {
    draft = await newBook('draft');
  });

  it.each(SPECS.map((spec) => ({ spec, table: spec.table })))(
    '$table: a reader cannot start one (RLS violation)',
    async ({ spec }) => {
      const client = await clientAs('user');
      const row = { ...(await spec.newRow()), book_id: draft };
      const { error, status } = await client.from(spec.table).insert(row);
      expect(status).toBe(403);
      expect(error).toMatchObject({ code: '42501', message: rlsViolation(spec.table) });
    },
  );

  it('an admin, who sees drafts, can', async () => {
    const client = await clientAs('admin');
    const { error, status } = await client
      .from('reading_progress')
      .insert({ book_id: draft, locator: locator(), device_id: 'admin-device', device_updated_at: at(0) });
    expect(error).toBeNull();
    expect(status).toBe(201);
  });
});

// =============================================================================================
// RPCs
// =============================================================================================
describe('reading RPCs are for signed-in readers only', () => {
  it.each([
    ['sync_reading', { changes: [], since: 0 }],
    ['reading_stats', { from_date: '2026-01-01', to_date: '2026-01-07' }],
  ] as const)('anon cannot call %s (401, permission denied)', async (fn, args) => {
    const client = await clientAs('anon');
    const { error, status } = await client.rpc(fn, args);
    expect(status).toBe(401);
    expect(error).toMatchObject({ code: '42501', message: `permission denied for function ${fn}` });
  });

  it.each(['sync_reading', 'reading_stats'])('a signed-in reader can call %s', async (fn) => {
    const response = await rest(`/rpc/${fn}`, {
      method: 'POST',
      token: await tokenFor(USERS.partnerUser),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        fn === 'sync_reading' ? { changes: [] } : { from_date: '2026-01-01', to_date: '2026-01-07' },
      ),
    });
    expect(response.status).toBe(200);
  });

  it('the private helpers are not reachable through PostgREST', async () => {
    const client = await clientAs('user');
    for (const fn of ['parse_reading_changes', 'reading_ids_of_others', 'is_valid_locator', 'erase_reading_data']) {
      const { error, status } = await client.rpc(fn, {});
      expect(status).toBe(404);
      expect(error).toMatchObject({ code: 'PGRST202' });
    }
  });
});
