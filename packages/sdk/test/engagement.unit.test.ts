import { describe, expect, it } from 'vitest';
import { AuthenticationError, ValidationError } from '../src';
import { levelOf, weeklyPointsOf } from '../src/engagement/methods';
import { json, testClient, UUID, userJwt } from './helpers';

// coko.engagement on a fake fetch: the PostgREST requests each method sends, the camelCase
// mapping, validation before any request. The rules themselves are tested against the database
// (supabase/tests, packages/server/test/engagement).
const READER = '40000000-0000-4000-8000-0000000000aa';
const signedIn = { accessToken: () => userJwt(Date.now(), 3600, READER) };

const LEVELS = [
  { level: 1, name: 'Lecteur', name_en: 'Reader', min_points: 0 },
  { level: 2, name: 'Lecteur assidu', name_en: 'Keen reader', min_points: 100 },
  { level: 3, name: 'Bibliophile', name_en: 'Book lover', min_points: 500 },
];
const BADGE = {
  is_active: true,
  id: UUID,
  slug: 'first-review',
  name_fr: 'Première critique',
  name_en: 'First review',
  description_fr: 'Écrire une critique',
  description_en: 'Write a review',
  criteria: { type: 'reviews', count: 1 },
  points: 20,
  icon_path: null,
};

describe('coko.engagement', () => {
  it('me() reads the score cache, the levels and the awards, and maps them', async () => {
    const monday = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
    const { coko, calls } = testClient(({ url }) => {
      if (url.pathname.endsWith('/reader_scores'))
        return json({ points: 130, level: 2, weekly_points: 35, week_start: monday });
      if (url.pathname.endsWith('/levels')) return json(LEVELS);
      return json([{ awarded_at: '2026-12-01T10:00:00Z', badge: BADGE }]);
    }, signedIn);
    expect(await coko.engagement.me()).toEqual({
      points: 130,
      level: { level: 2, name: { fr: 'Lecteur assidu', en: 'Keen reader' }, minPoints: 100, nextMinPoints: 500 },
      weeklyPoints: 35,
      badges: [
        {
          id: UUID,
          slug: 'first-review',
          name: { fr: 'Première critique', en: 'First review' },
          description: { fr: 'Écrire une critique', en: 'Write a review' },
          criteria: { type: 'reviews', count: 1 },
          points: 20,
          iconPath: null,
          earnedAt: '2026-12-01T10:00:00Z',
        },
      ],
    });
    const scores = calls.find((c) => c.url.pathname.endsWith('/reader_scores'));
    expect(scores?.url.searchParams.get('user_id')).toBe(`eq.${READER}`);
  });

  it('me() for a reader with no points yet: level 1, nothing this week', async () => {
    const { coko } = testClient(({ url }) => {
      if (url.pathname.endsWith('/reader_scores')) return json(null);
      if (url.pathname.endsWith('/levels')) return json(LEVELS);
      return json([]);
    }, signedIn);
    const me = await coko.engagement.me();
    expect(me).toMatchObject({ points: 0, weeklyPoints: 0, badges: [] });
    expect(me.level).toEqual({ level: 1, name: { fr: 'Lecteur', en: 'Reader' }, minPoints: 0, nextMinPoints: 100 });
  });

  it('levelOf: the threshold reached, the cached level when known, no next level at the top', () => {
    expect(levelOf(LEVELS, 99).level).toBe(1);
    expect(levelOf(LEVELS, 100).level).toBe(2);
    expect(levelOf(LEVELS, 9000)).toEqual({
      level: 3,
      name: { fr: 'Bibliophile', en: 'Book lover' },
      minPoints: 500,
      nextMinPoints: null,
    });
    expect(levelOf(LEVELS, 120, 2).nextMinPoints).toBe(500);
  });

  it('weeklyPointsOf: a cache row from an older week counts as 0', () => {
    const now = Date.parse('2026-12-09T12:00:00Z'); // a Wednesday
    const row = { points: 10, level: 1, weekly_points: 10 };
    expect(weeklyPointsOf({ ...row, week_start: '2026-12-07' }, now)).toBe(10);
    expect(weeklyPointsOf({ ...row, week_start: '2026-11-30' }, now)).toBe(0);
    expect(weeklyPointsOf(null, now)).toBe(0);
  });

  it('badges.list() puts earned badges first and marks the others to earn', async () => {
    const retired = { ...BADGE, id: '40000000-0000-4000-8000-000000000003', slug: 'retired', is_active: false };
    const other = { ...BADGE, id: '40000000-0000-4000-8000-000000000002', slug: 'bookworm', points: 50 };
    const { coko } = testClient(
      ({ url }) =>
        url.pathname.endsWith('/badges')
          ? json([BADGE, other, retired])
          : json([{ badge_id: other.id, awarded_at: '2026-12-02T08:00:00Z' }]),
      signedIn,
    );
    const badges = await coko.engagement.badges.list();
    expect(badges.map((b) => [b.slug, b.earnedAt])).toEqual([
      ['bookworm', '2026-12-02T08:00:00Z'],
      ['first-review', null],
    ]);
  });

  it('ledger() pages by id, newest first', async () => {
    const rows = [3, 2, 1].map((id) => ({ id, points: 5, reason: 'reading.session_finished', created_at: 'x' }));
    const { coko, calls } = testClient(() => json(rows), signedIn);
    const page = await coko.engagement.ledger({ limit: 2 });
    expect(page.data.map((e) => e.id)).toEqual(['3', '2']);
    expect(page.nextCursor).toBe('2');
    await coko.engagement.ledger({ cursor: page.nextCursor, limit: 2 });
    expect(calls[1]?.url.searchParams.get('id')).toBe('lt.2');
    expect(calls[1]?.url.searchParams.get('order')).toBe('id.desc');
    expect(calls[1]?.url.searchParams.get('limit')).toBe('3');
  });

  it('leaderboard() calls the RPC with defaults and maps the rows; guests may call it', async () => {
    const { coko, calls } = testClient(() =>
      json([{ rank: 1, user_id: UUID, display_name: 'Awa', avatar_path: null, points: 120, is_me: false }]),
    );
    expect(await coko.engagement.leaderboard()).toEqual([
      { rank: 1, userId: UUID, displayName: 'Awa', avatarPath: null, points: 120, isMe: false },
    ]);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.url.pathname).toBe('/rest/v1/rpc/leaderboard');
    expect(Object.fromEntries(calls[0]?.url.searchParams ?? [])).toEqual({
      board: 'weekly',
      scope: 'global',
      limit: '20',
      offset: '0',
    });
  });

  it('myRank() returns the row or null when the reader is not on the board', async () => {
    let answer: unknown = [{ rank: 7, points: 40, entries: 300 }];
    const { coko, calls } = testClient(() => json(answer), signedIn);
    expect(await coko.engagement.myRank({ board: 'all_time', scope: `partner:${UUID}` })).toEqual({
      rank: 7,
      points: 40,
      entries: 300,
    });
    expect(calls[0]?.url.searchParams.get('scope')).toBe(`partner:${UUID}`);
    answer = [];
    expect(await coko.engagement.myRank()).toBeNull();
  });

  it('setLeaderboardVisibility() keeps the other preferences', async () => {
    const preferences = { theme: 'dark', fontSize: 18, notifications: { email: true, push: false, sms: false } };
    const { coko, calls } = testClient(
      ({ method }) =>
        method === 'GET'
          ? new Response(JSON.stringify({ preferences }), {
              headers: { 'content-type': 'application/vnd.pgrst.object+json' },
            })
          : new Response(null, { status: 204 }),
      signedIn,
    );
    await coko.engagement.setLeaderboardVisibility(false);
    expect(calls[1]?.method).toBe('PATCH');
    expect(JSON.parse(calls[1]?.body ?? '')).toEqual({ preferences: { ...preferences, leaderboards: false } });
  });

  it('challenges.join() upserts the reader’s row, ignoring a second join', async () => {
    const { coko, calls } = testClient(() => new Response(null, { status: 201 }), signedIn);
    await coko.engagement.challenges.join(UUID);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.searchParams.get('on_conflict')).toBe('challenge_id,user_id');
    expect(calls[0]?.headers.get('prefer')).toContain('resolution=ignore-duplicates');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ challenge_id: UUID, user_id: READER });
  });

  it.each([
    [
      'a bad board',
      (c: ReturnType<typeof testClient>['coko']) => c.engagement.leaderboard({ board: 'daily' as never }),
    ],
    [
      'a bad scope',
      (c: ReturnType<typeof testClient>['coko']) => c.engagement.leaderboard({ scope: 'partner:x' as never }),
    ],
    ['a limit over 100', (c: ReturnType<typeof testClient>['coko']) => c.engagement.leaderboard({ limit: 101 })],
    ['a bad cursor', (c: ReturnType<typeof testClient>['coko']) => c.engagement.ledger({ cursor: 'abc' })],
    ['a bad challenge id', (c: ReturnType<typeof testClient>['coko']) => c.engagement.challenges.join('nope')],
    [
      'a non-boolean visibility',
      (c: ReturnType<typeof testClient>['coko']) => c.engagement.setLeaderboardVisibility('no' as never),
    ],
  ])('refuses %s before any request', async (_, call) => {
    const { coko, calls } = testClient(undefined, signedIn);
    await expect(call(coko)).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(0);
  });

  it('needs a signed-in reader for their own data', async () => {
    const { coko, calls } = testClient();
    await expect(coko.engagement.me()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(coko.engagement.myRank()).rejects.toBeInstanceOf(AuthenticationError);
    expect(calls).toHaveLength(0);
  });

  it('is not thenable', async () => {
    const { coko } = testClient();
    expect((coko.engagement as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(coko.engagement.badges)).toBe(coko.engagement.badges);
  });
});
