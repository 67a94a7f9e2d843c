// Row level security of the payments tables: every table × every kind of caller × select/insert/
// update/delete, asserted in SQL (as the API role, inside a rolled-back transaction) and through
// PostgREST with supabase-js.
//
// Rules under test (supabase/migrations/*_payments.sql):
// - plans, plan_prices: everyone (anon included) sees active plans and their prices; admins and the
//   service role also see inactive ones.
// - orders, subscriptions, entitlements, receipts: a reader sees their own rows; admins and the
//   service role see every row; other readers, partner readers and moderators see none; anon has
//   no privilege (permission denied, HTTP 401).
// - payment_events: admins and the service role only.
// - Nobody writes any of them through the API, the service role included (permission denied):
//   the server's pool writes them, through the SQL functions that move money.
// - public.can_read(book_id) answers for the caller; the functions that move money are not
//   reachable through PostgREST.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  ensureTestUsers,
  permissionDenied,
  type Row,
  rlsTable,
  sql,
  sqlError,
  sqlFor,
  USERS,
} from './helpers.js';
import { markPaid, newBook, newOrder, newPlan } from './payments-helpers.js';

// =============================================================================================
// Fixtures: USERS.user bought a book and a plan; one active and one inactive plan
// =============================================================================================
const OWNER = USERS.user.id;
const fixture = {
  activePlan: '',
  inactivePlan: '',
  bookOrder: '',
  paidBook: '',
  freeBook: '',
  entitlement: '',
  receipt: '',
  subscription: '',
  event: '',
};

beforeAll(async () => {
  await ensureTestUsers();
  fixture.activePlan = await newPlan({ prices: { XOF: 2000, EUR: 300 } });
  fixture.inactivePlan = await newPlan({ active: false, prices: { XOF: 5000 } });
  fixture.paidBook = await newBook({ price: 1500 });
  fixture.freeBook = await newBook({ free: true });
  fixture.bookOrder = await newOrder({ userId: OWNER, bookId: fixture.paidBook });
  const paid = await markPaid(fixture.bookOrder);
  fixture.entitlement = paid.entitlementId!;
  fixture.receipt = paid.receiptId!;
  fixture.subscription = (await markPaid(await newOrder({ userId: OWNER, planId: fixture.activePlan })))
    .subscriptionId!;
  fixture.event = randomUUID();
  await adminQuery(
    `insert into public.payment_events (id, provider, event_id, order_id, type, status, payload)
     values ($1, 'sandbox', $2, $3, 'checkout.completed', 'paid', '{"amount": 1500}')`,
    [fixture.event, `evt-${fixture.event}`, fixture.bookOrder],
  );
});

// =============================================================================================
// The tables
// =============================================================================================
type Visibility = 'everyone' | 'owner' | 'admins';

interface TableSpec {
  table: string;
  /** Who may see the fixture row. */
  visibility: Visibility;
  /** Key of the fixture row. */
  fixture: () => Row;
  /** A row as a client would send it. */
  newRow: () => Row;
  /** A change a client would try. */
  patch: Row;
}

const SPECS: TableSpec[] = [
  {
    table: rlsTable('plans'),
    visibility: 'everyone',
    fixture: () => ({ id: fixture.activePlan }),
    newRow: () => ({ slug: `plan-${randomUUID().slice(0, 8)}`, name: 'Free for all', interval: 'month' }),
    patch: { is_active: false },
  },
  {
    table: rlsTable('plan_prices'),
    visibility: 'everyone',
    fixture: () => ({ plan_id: fixture.activePlan, currency: 'XOF' }),
    newRow: () => ({ plan_id: fixture.activePlan, currency: 'USD', amount: 1 }),
    patch: { amount: 1 },
  },
  {
    table: rlsTable('orders'),
    visibility: 'owner',
    fixture: () => ({ id: fixture.bookOrder }),
    newRow: () => ({ book_id: fixture.paidBook, user_id: OWNER, amount: 1, currency: 'XOF', provider: 'sandbox' }),
    patch: { amount: 1 },
  },
  {
    table: rlsTable('subscriptions'),
    visibility: 'owner',
    fixture: () => ({ id: fixture.subscription }),
    newRow: () => ({
      plan_id: fixture.activePlan,
      user_id: OWNER,
      status: 'active',
      current_period_start: '2026-01-01T00:00:00Z',
      current_period_end: '2099-01-01T00:00:00Z',
    }),
    patch: { current_period_end: '2099-01-01T00:00:00Z' },
  },
  {
    table: rlsTable('entitlements'),
    visibility: 'owner',
    fixture: () => ({ id: fixture.entitlement }),
    newRow: () => ({ book_id: fixture.paidBook, user_id: OWNER, valid_from: '2026-01-01T00:00:00Z' }),
    patch: { revoked_at: null, valid_until: null },
  },
  {
    table: rlsTable('receipts'),
    visibility: 'owner',
    fixture: () => ({ id: fixture.receipt }),
    newRow: () => ({
      order_id: fixture.bookOrder,
      user_id: OWNER,
      number: 999,
      issued_at: '2026-01-01T00:00:00Z',
      amount: 1,
      currency: 'XOF',
      language: 'fr',
      lines: { items: [], buyer: null },
    }),
    patch: { amount: 1 },
  },
  {
    table: rlsTable('payment_events'),
    visibility: 'admins',
    fixture: () => ({ id: fixture.event }),
    newRow: () => ({ provider: 'sandbox', event_id: randomUUID(), type: 'forged', payload: {} }),
    patch: { processed_at: '2026-01-01T00:00:00Z' },
  },
];

// =============================================================================================
// Expectations
// =============================================================================================
type Outcome = 'visible' | 'hidden' | 'no-privilege';

function selectOutcome(visibility: Visibility, kind: ClientKind): Outcome {
  if (visibility === 'everyone') return 'visible';
  if (kind === 'anon') return 'no-privilege';
  if (kind === 'admin' || kind === 'service') return 'visible';
  return visibility === 'owner' && kind === 'user' ? 'visible' : 'hidden';
}

const VERDICT = {
  visible: 'one row',
  hidden: 'no row (not theirs)',
  'no-privilege': 'permission denied (42501)',
} as const;

/** Status of a refused API request: PostgREST answers 401 to anon, 403 to a role it switched to. */
const deniedStatus = (kind: ClientKind) => (kind === 'anon' ? 401 : 403);

// =============================================================================================
// The matrix
// =============================================================================================
describe.each(SPECS)('$table', (spec) => {
  const { table } = spec;

  describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('as $kind', ({ kind }) => {
    const outcome = selectOutcome(spec.visibility, kind);

    it(`SQL select of the fixture row: ${VERDICT[outcome]}`, async () => {
      if (outcome === 'no-privilege') {
        const error = await sqlError(sqlFor(kind, (db) => sql.select(db, table, spec.fixture())));
        expect(error.code).toBe('42501');
        expect(error.message).toBe(permissionDenied(table));
        return;
      }
      const rows = await sqlFor(kind, (db) => sql.select(db, table, spec.fixture()));
      expect(rows.rowCount).toBe(outcome === 'visible' ? 1 : 0);
    });

    it(`API select of the fixture row: ${VERDICT[outcome]}`, async () => {
      const client = await clientAs(kind);
      const { data, error, status } = await client.from(table).select('*').match(spec.fixture());
      if (outcome === 'no-privilege') {
        expect(status).toBe(401);
        expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
        return;
      }
      expect(error).toBeNull();
      expect(status).toBe(200);
      expect(data).toEqual(outcome === 'visible' ? [expect.objectContaining(spec.fixture())] : []);
    });

    it('SQL insert: permission denied (42501)', async () => {
      const error = await sqlError(sqlFor(kind, (db) => sql.insert(db, table, spec.newRow())));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(table));
    });

    it('API insert: permission denied (42501)', async () => {
      const client = await clientAs(kind);
      const { error, status } = await client.from(table).insert(spec.newRow());
      expect(status).toBe(deniedStatus(kind));
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
    });

    it('SQL update: permission denied (42501)', async () => {
      const error = await sqlError(sqlFor(kind, (db) => sql.update(db, table, spec.fixture(), spec.patch)));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(table));
    });

    it('API update: permission denied (42501), row unchanged', async () => {
      const client = await clientAs(kind);
      const before = await adminQuery(
        `select * from public.${table} where ${keyWhere(spec.fixture())}`,
        keyValues(spec),
      );
      const { error, status } = await client.from(table).update(spec.patch).match(spec.fixture());
      expect(status).toBe(deniedStatus(kind));
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
      expect(
        await adminQuery(`select * from public.${table} where ${keyWhere(spec.fixture())}`, keyValues(spec)),
      ).toEqual(before);
    });

    it('SQL delete: permission denied (42501)', async () => {
      const error = await sqlError(sqlFor(kind, (db) => sql.delete(db, table, spec.fixture())));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(permissionDenied(table));
    });

    it('API delete: permission denied (42501), row kept', async () => {
      const client = await clientAs(kind);
      const { error, status } = await client.from(table).delete().match(spec.fixture());
      expect(status).toBe(deniedStatus(kind));
      expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
      expect(
        await adminQuery(`select 1 from public.${table} where ${keyWhere(spec.fixture())}`, keyValues(spec)),
      ).toHaveLength(1);
    });
  });
});

function keyWhere(key: Row): string {
  return Object.keys(key)
    .map((column, i) => `${column} = $${i + 1}`)
    .join(' and ');
}

function keyValues(spec: TableSpec): unknown[] {
  return Object.values(spec.fixture());
}

// =============================================================================================
// Beyond the fixture row
// =============================================================================================
describe('inactive plans', () => {
  it.each(CLIENT_KINDS.map((kind) => ({ kind })))(
    '$kind: visible to admins and the service role only',
    async ({ kind }) => {
      const client = await clientAs(kind);
      const plans = await client.from('plans').select('id').eq('id', fixture.inactivePlan);
      const prices = await client.from('plan_prices').select('plan_id').eq('plan_id', fixture.inactivePlan);
      const expected = kind === 'admin' || kind === 'service' ? 1 : 0;
      expect(plans.error).toBeNull();
      expect(prices.error).toBeNull();
      expect(plans.data).toHaveLength(expected);
      expect(prices.data).toHaveLength(expected);
    },
  );
});

describe("listing without a filter shows only the reader's own rows", () => {
  it.each(['otherUser', 'moderator', 'partnerUser'] as const)('%s sees none of the owner rows', async (kind) => {
    const client = await clientAs(kind);
    for (const table of ['orders', 'subscriptions', 'entitlements', 'receipts', 'payment_events']) {
      const { data, error } = await client.from(table).select('*');
      expect(error).toBeNull();
      expect(data).toEqual([]);
    }
  });

  it('the owner lists their order, subscription, entitlements and receipts', async () => {
    const client = await clientAs('user');
    const orders = await client.from('orders').select('id, user_id');
    expect(orders.data).toEqual(expect.arrayContaining([{ id: fixture.bookOrder, user_id: OWNER }]));
    expect(orders.data?.every((row) => row.user_id === OWNER)).toBe(true);
    const receipts = await client.from('receipts').select('id, number, lines');
    expect(receipts.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: fixture.receipt, lines: expect.any(Object) })]),
    );
    const entitlements = await client.from('entitlements').select('id');
    expect(entitlements.data).toHaveLength(2);
  });
});

// =============================================================================================
// RPCs
// =============================================================================================
describe('public.can_read', () => {
  const cases: [ClientKind, 'paidBook' | 'freeBook', boolean][] = [
    ['anon', 'freeBook', true],
    ['anon', 'paidBook', false],
    ['user', 'paidBook', true],
    ['otherUser', 'paidBook', false],
    ['partnerUser', 'freeBook', true],
    ['admin', 'paidBook', false],
  ];

  it.each(cases)('%s on the %s: %s', async (kind, book, expected) => {
    const client = await clientAs(kind);
    const { data, error, status } = await client.rpc('can_read', { book_id: fixture[book] });
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toBe(expected);
  });

  it('a refund takes the right away', async () => {
    const book = await newBook();
    const order = await newOrder({ userId: USERS.otherUser.id, bookId: book });
    await markPaid(order);
    const client = await clientAs('otherUser');
    expect((await client.rpc('can_read', { book_id: book })).data).toBe(true);
    await adminQuery("select private.refund_order($1, 'test', null)", [order]);
    expect((await client.rpc('can_read', { book_id: book })).data).toBe(false);
  });
});

describe('the functions that move money are not reachable through PostgREST', () => {
  it.each([
    'mark_order_paid',
    'mark_order_failed',
    'refund_order',
    'expire_pending_orders',
    'expire_subscriptions',
    'prune_idempotency_keys',
    'caller_can_read',
    'book_available_in',
    'erase_payment_data',
  ])('%s: not found (PGRST202), even for the service role', async (fn) => {
    for (const kind of ['user', 'service'] as const) {
      const client = await clientAs(kind);
      const { error, status } = await client.rpc(fn, {});
      expect(status).toBe(404);
      expect(error).toMatchObject({ code: 'PGRST202' });
    }
  });

  it('the API roles cannot execute them in SQL either (permission denied)', async () => {
    for (const kind of ['anon', 'user', 'admin', 'service'] as const) {
      const error = await sqlError(
        sqlFor(kind, (db) => db.query('select private.mark_order_paid($1, null, null)', [fixture.bookOrder])),
      );
      expect(error.code).toBe('42501');
      expect(error.message).toBe('permission denied for function mark_order_paid');
    }
  });
});
