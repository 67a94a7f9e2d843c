import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthenticationError, type CokoClient, createCoko, PermissionDeniedError } from '../src';

// Real-stack tests of coko.engagement: PostgREST, the gamification migration's RLS and RPCs. Points
// are written as the consumer writes them (private.award_points, whose ledger trigger keeps the
// score cache) and boards refreshed as the job does (private.refresh_leaderboards); the rules that
// decide the points are the gamification part's tests.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const databaseUrl = process.env.COKO_TEST_ADMIN_DATABASE_URL ?? '';

describe.skipIf(!process.env.COKO_TEST_URL)('coko.engagement against the real stack', () => {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  afterAll(() => db.end());

  async function reader(name: string): Promise<{ id: string; coko: CokoClient }> {
    const id = randomUUID();
    const email = `${id.slice(0, 8)}@engagement.test`;
    await db.query(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), '{"provider":"email"}', '{}', now(), now())`,
      [id, email],
    );
    await db.query('update public.profiles set display_name = $2 where id = $1', [id, name]);
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.js'),
    ]);
    const token = await mintUserToken(testStack().keys, { id, email }, { expiresInSeconds: 600 });
    return { id, coko: createCoko({ url, publishableKey, accessToken: token, retries: 0 }) };
  }

  const award = (userId: string, points: number, key: string, reason = 'book') =>
    db.query('select private.award_points($1, $2, $3, $4)', [userId, points, reason, key]);
  const refresh = () => db.query('select private.refresh_leaderboards()');

  it('me(): points, level with the next threshold, this week, earned badges', async () => {
    const awa = await reader('Awa');
    const fresh = await awa.coko.engagement.me();
    expect(fresh).toMatchObject({ points: 0, weeklyPoints: 0, badges: [] });
    expect(fresh.level).toMatchObject({ level: 1, minPoints: 0 });
    expect(fresh.level.nextMinPoints).toBeGreaterThan(0);

    const next = fresh.level.nextMinPoints ?? 0;
    await award(awa.id, next, `test:${randomUUID()}`);
    const { rows } = await db.query(`select id from public.badges where slug = 'first-review'`);
    await db.query('insert into public.badge_awards (user_id, badge_id) values ($1, $2)', [awa.id, rows[0].id]);
    const me = await awa.coko.engagement.me();
    expect(me.points).toBe(next);
    expect(me.weeklyPoints).toBe(next);
    expect(me.level).toMatchObject({ level: 2, minPoints: next });
    expect(me.level.name.fr.length).toBeGreaterThan(0);
    expect(me.badges.map((b) => b.slug)).toEqual(['first-review']);
    expect(me.badges[0]?.name).toEqual({ fr: 'Première critique', en: 'First review' });
  });

  it('badges.list(): earned first, the rest to earn', async () => {
    const binta = await reader('Binta');
    const { rows } = await db.query(`select id from public.badges where slug = 'first-book'`);
    await db.query('insert into public.badge_awards (user_id, badge_id) values ($1, $2)', [binta.id, rows[0].id]);
    const badges = await binta.coko.engagement.badges.list();
    expect(badges[0]).toMatchObject({ slug: 'first-book', criteria: { type: 'books_finished', count: 1 } });
    expect(badges[0]?.earnedAt).not.toBeNull();
    expect(badges.slice(1).every((b) => b.earnedAt === null)).toBe(true);
    expect(badges.length).toBeGreaterThanOrEqual(6);
  });

  it('ledger(): the reader’s own lines, newest first, by pages', async () => {
    const cheikh = await reader('Cheikh');
    const other = await reader('Other');
    for (const n of [1, 2, 3]) await award(cheikh.id, n * 10, `test:ledger:${n}`, 'session');
    await award(other.id, 99, 'test:ledger:other');
    const first = await cheikh.coko.engagement.ledger({ limit: 2 });
    expect(first.data.map((e) => [e.points, e.reason])).toEqual([
      [30, 'session'],
      [20, 'session'],
    ]);
    const second = await cheikh.coko.engagement.ledger({ cursor: first.nextCursor, limit: 2 });
    expect(second).toMatchObject({ data: [{ points: 10 }], nextCursor: null });
  });

  it('leaderboard and myRank: ranks, the reader marked, opt-out hides at once and keeps the own rank out', async () => {
    const [d, e, f] = await Promise.all([reader('Diarra'), reader('Émile'), reader('Fatou')]);
    // Far above anything else in the database, so these three are the top of the global board.
    await award(d.id, 900_000, 'test:board:d');
    await award(e.id, 800_000, 'test:board:e');
    await award(f.id, 700_000, 'test:board:f');
    await refresh();

    const top = await e.coko.engagement.leaderboard({ board: 'all_time', limit: 3 });
    expect(top.map((r) => [r.rank, r.displayName, r.points, r.isMe])).toEqual([
      [1, 'Diarra', 900_000, false],
      [2, 'Émile', 800_000, true],
      [3, 'Fatou', 700_000, false],
    ]);
    expect(await f.coko.engagement.myRank({ board: 'weekly' })).toMatchObject({ rank: 3, points: 700_000 });
    const guestBoard = await createCoko({ url, publishableKey }).engagement.leaderboard({ board: 'weekly', limit: 1 });
    expect(guestBoard[0]).toMatchObject({ displayName: 'Diarra', isMe: false });

    await d.coko.engagement.setLeaderboardVisibility(false);
    const hidden = await e.coko.engagement.leaderboard({ board: 'all_time', limit: 2 });
    expect(hidden.map((r) => r.displayName)).toEqual(['Émile', 'Fatou']);
    await refresh();
    expect(await d.coko.engagement.myRank({ board: 'all_time' })).toBeNull();
    expect(await e.coko.engagement.myRank({ board: 'all_time' })).toMatchObject({ rank: 1 });
    // The rest of the preferences survive the toggle.
    const { rows } = await db.query('select preferences from public.profiles where id = $1', [d.id]);
    expect(rows[0].preferences).toMatchObject({ theme: expect.any(String), leaderboards: false });

    await d.coko.engagement.setLeaderboardVisibility(true);
    await refresh();
    expect(await d.coko.engagement.myRank({ board: 'all_time' })).toMatchObject({ rank: 1 });
  });

  it('a group board is for its members only', async () => {
    const g = await reader('Gora');
    await expect(g.coko.engagement.leaderboard({ scope: `group:${randomUUID()}` })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it('challenges: list with the reader’s part, join twice, leave', async () => {
    const h = await reader('Hawa');
    const id = randomUUID();
    await db.query(
      `insert into public.challenges (id, slug, title_fr, title_en, goal, starts_at, ends_at, points)
       values ($1, $2, 'Lire 60 minutes', 'Read 60 minutes', '{"type":"minutes_read","count":60}', now() - interval '1 day', now() + interval '6 days', 25)`,
      [id, `test-${id.slice(0, 8)}`],
    );
    const before = await h.coko.engagement.challenges.list();
    expect(before.find((c) => c.id === id)).toMatchObject({
      title: { fr: 'Lire 60 minutes', en: 'Read 60 minutes' },
      goal: { type: 'minutes_read', count: 60 },
      points: 25,
      partnerId: null,
      participation: null,
    });
    await h.coko.engagement.challenges.join(id);
    await h.coko.engagement.challenges.join(id);
    const joined = (await h.coko.engagement.challenges.list()).find((c) => c.id === id);
    expect(joined?.participation).toMatchObject({ progress: 0, completedAt: null });
    await h.coko.engagement.challenges.leave(id);
    expect((await h.coko.engagement.challenges.list()).find((c) => c.id === id)?.participation).toBeNull();
  });

  it('guests: the leaderboard yes, their own data no', async () => {
    const guest = createCoko({ url, publishableKey });
    await expect(guest.engagement.me()).rejects.toBeInstanceOf(AuthenticationError);
    expect(Array.isArray(await guest.engagement.leaderboard())).toBe(true);
  });
});
