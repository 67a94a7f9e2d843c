// Row level security of the gamification tables (supabase/migrations/*_gamification.sql): every table
// × every kind of caller, reads through PostgREST and writes in SQL as the API role (rolled back).
//
// Fixture: `user` and `otherUser` each wrote a review (a ledger row, a score, the first-review badge, a
// leaderboard entry) and joined the global challenge G; a challenge P is for TEST_PARTNER_ID's readers.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { consume, emit } from './engagement-helpers.js';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  ensureTestUsers,
  type Row,
  rlsTable,
  sql,
  sqlError,
  sqlFor,
  TEST_PARTNER_ID,
  USERS,
} from './helpers.js';

const f = { G: '', P: '' };
const STAFF: ClientKind[] = ['moderator', 'admin', 'service'];
const { user, otherUser } = USERS;

beforeAll(async () => {
  await ensureTestUsers();
  for (const id of [user.id, otherUser.id]) await emit('review.created', id);
  await consume();
  await adminQuery('select private.refresh_leaderboards()');
  const challenge = async (partnerId: string | null) => {
    const [row] = await adminQuery<{ id: string }>(
      `insert into public.challenges (slug, title_fr, title_en, goal, starts_at, ends_at, partner_id)
       values ($1, 'Défi', 'Challenge', '{"type": "reviews", "count": 5}', now() - interval '1 day', now() + interval '9 days', $2)
       returning id`,
      [`rls-${randomUUID().slice(0, 8)}`, partnerId],
    );
    return row!.id;
  };
  f.G = await challenge(null);
  f.P = await challenge(TEST_PARTNER_ID);
  for (const id of [user.id, otherUser.id]) {
    await adminQuery('insert into public.challenge_participants (challenge_id, user_id) values ($1, $2)', [f.G, id]);
  }
});

/** Which of `user` / `otherUser` a kind sees rows of in a table keyed by user_id, or the HTTP status of a refusal. */
async function owners(kind: ClientKind, table: string): Promise<string[] | number> {
  const { data, error, status } = await (await clientAs(kind))
    .from(table)
    .select('user_id')
    .in('user_id', [user.id, otherUser.id]);
  if (error) return status;
  const names = { [user.id]: 'user', [otherUser.id]: 'otherUser' };
  return [...new Set((data as Row[]).map((row) => names[row.user_id as string]!))].sort();
}

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('select as $kind', ({ kind }) => {
  const ownRows = STAFF.includes(kind)
    ? ['otherUser', 'user']
    : kind === 'user'
      ? ['user']
      : kind === 'otherUser'
        ? ['otherUser']
        : [];
  const expectedOwn = kind === 'anon' ? 401 : ownRows;

  it.each([
    rlsTable('points_ledger'),
    rlsTable('reader_scores'),
    rlsTable('badge_awards'),
    rlsTable('leaderboard_entries'),
    rlsTable('challenge_participants'),
  ])('%s: readers their own rows, staff everyone’s, anon nothing', async (table) => {
    expect(await owners(kind, table)).toEqual(expectedOwn);
  });

  it.each([rlsTable('point_rules'), rlsTable('levels'), rlsTable('badges')])('%s: everyone reads', async (table) => {
    const { data, error } = await (await clientAs(kind)).from(table).select('*');
    expect(error).toBeNull();
    expect((data ?? []).length).toBeGreaterThan(0);
  });

  it(`${rlsTable('challenges')}: global ones for everyone, a partner's for its readers and staff`, async () => {
    const { data } = await (await clientAs(kind)).from('challenges').select('id').in('id', [f.G, f.P]);
    const seen = (data as Row[]).map((row) => (row.id === f.G ? 'G' : 'P')).sort();
    expect(seen).toEqual(STAFF.includes(kind) || kind === 'partnerUser' ? ['G', 'P'] : ['G']);
  });
});

describe.each(CLIENT_KINDS.filter((kind) => kind !== 'service').map((kind) => ({ kind })))(
  'writes as $kind',
  ({ kind }) => {
    it('nobody but the service writes rules, levels, badges, challenges, ledgers, scores, awards or boards', async () => {
      const attempts: [string, (db: Parameters<Parameters<typeof sqlFor>[1]>[0]) => Promise<unknown>][] = [
        ['point_rules', (db) => sql.update(db, 'point_rules', { event_kind: 'review.created' }, { points: 1000 })],
        ['levels', (db) => sql.insert(db, 'levels', { level: 99, name: 'x', name_en: 'x', min_points: 99999 })],
        ['badges', (db) => sql.delete(db, 'badges', { slug: 'first-review' })],
        ['challenges', (db) => sql.update(db, 'challenges', { id: f.G }, { points: 1000 })],
        [
          'points_ledger',
          (db) =>
            sql.insert(db, 'points_ledger', {
              user_id: user.id,
              points: 1000,
              reason: 'adjustment',
              source_key: 'cheat',
            }),
        ],
        ['reader_scores', (db) => sql.update(db, 'reader_scores', { user_id: user.id }, { points: 100000 })],
        ['badge_awards', (db) => sql.delete(db, 'badge_awards', { user_id: user.id })],
        ['leaderboard_entries', (db) => sql.update(db, 'leaderboard_entries', { user_id: user.id }, { rank: 1 })],
        [
          'challenge_participants',
          (db) => sql.update(db, 'challenge_participants', { user_id: user.id }, { progress: 5 }),
        ],
      ];
      for (const [table, attempt] of attempts) {
        const error = await sqlError(sqlFor(kind, attempt));
        expect([table, error.code]).toEqual([table, '42501']);
      }
    });
  },
);

describe('joining and leaving challenges', () => {
  it('a reader joins an open challenge they see, for themselves only, and leaves it', async () => {
    await sqlFor('partnerUser', async (db) => {
      const joined = await sql.insert(db, 'challenge_participants', { challenge_id: f.P }, { returning: true });
      expect(joined.rows[0]).toMatchObject({ user_id: USERS.partnerUser.id, progress: 0, completed_at: null });
      const left = await sql.delete(db, 'challenge_participants', { challenge_id: f.P });
      expect(left.rowCount).toBe(1);
    });
    const forOther = await sqlError(
      sqlFor('partnerUser', (db) => sql.insert(db, 'challenge_participants', { challenge_id: f.G, user_id: user.id })),
    );
    expect(forOther.code).toBe('42501');
    const notTheirs = await sqlError(
      sqlFor('user', (db) => sql.insert(db, 'challenge_participants', { challenge_id: f.P })),
    );
    expect(notTheirs.code).toBe('42501');
    const anon = await sqlError(
      sqlFor('anon', (db) => sql.insert(db, 'challenge_participants', { challenge_id: f.G })),
    );
    expect(anon.code).toBe('42501');
  });

  it('a reader cannot remove another reader from a challenge', async () => {
    const removed = await sqlFor('user', (db) =>
      sql.delete(db, 'challenge_participants', { challenge_id: f.G, user_id: otherUser.id }),
    );
    expect(removed.rowCount).toBe(0);
  });
});
