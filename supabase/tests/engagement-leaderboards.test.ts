// Leaderboards (supabase/migrations/*_gamification.sql): private.refresh_leaderboards() materialises
// the weekly and all-time boards per scope; public.leaderboard() and public.my_rank() read them through
// PostgREST as each kind of caller. Each test ranks readers of a fresh partner or group, so the boards
// it checks hold only its own readers.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { newGroup } from './community-groups-helpers.js';
import { consume, emit, newReader } from './engagement-helpers.js';
import { adminQuery, clientAs, clientWithToken, ensureTestUsers, type Row, tokenFor } from './helpers.js';

beforeAll(ensureTestUsers);

const refresh = () => adminQuery('select private.refresh_leaderboards()');
const as = async (id: string): Promise<SupabaseClient> =>
  clientWithToken(await tokenFor({ id, email: `${id}@engagement.test`, roles: [] }));

/** Gives a reader `reviews` reviews (20 points each, plus the first-review badge's 10), in one consumer run. */
async function earn(reader: string, reviews: number): Promise<void> {
  for (let i = 0; i < reviews; i++) await emit('review.created', reader);
  await consume();
}

async function board(
  client: SupabaseClient,
  args: Row,
): Promise<{ rows: Row[] | null; status: number; code?: string }> {
  const { data, status, error } = await client.rpc('leaderboard', args);
  return { rows: data as Row[] | null, status, code: error?.code };
}

describe('ranking', () => {
  it('ranks by points, then who got there first, then user id', async () => {
    const partner = randomUUID();
    const [a, b, c, d] = [
      await newReader('Awa', partner),
      await newReader('Bintou', partner),
      await newReader('Cheikh', partner),
      await newReader('Dior', partner),
    ];
    await earn(c, 3); // 70
    await earn(a, 1); // 30, first
    await earn(b, 1); // 30, later
    await earn(d, 1); // 30, then made to tie exactly with b: the smaller user id wins
    await adminQuery(
      'update public.reader_scores set reached_at = (select reached_at from public.reader_scores where user_id = $1) where user_id = $2',
      [b, d],
    );
    await refresh();
    const { rows } = await board(await as(a), { board: 'all_time', scope: `partner:${partner}`, limit: 10 });
    const [first, second] = [b, d].sort();
    expect(rows!.map((r) => [r.rank, r.user_id, r.points])).toEqual([
      [1, c, 70],
      [2, a, 30],
      [3, first, 30],
      [4, second, 30],
    ]);
    expect(rows!.map((r) => r.is_me)).toEqual([false, true, false, false]);
    expect(rows![0]).toMatchObject({ display_name: 'Cheikh', avatar_path: null });
    expect(Object.keys(rows![0]!).sort()).toEqual([
      'avatar_path',
      'display_name',
      'is_me',
      'points',
      'rank',
      'user_id',
    ]);

    // Pages: offset and limit.
    const page = await board(await as(a), { board: 'all_time', scope: `partner:${partner}`, limit: 2, offset: 1 });
    expect(page.rows!.map((r) => r.rank)).toEqual([2, 3]);
  });

  it('keeps last week’s points off the weekly board but on the all-time one', async () => {
    const partner = randomUUID();
    const [old, recent] = [await newReader('Ancien', partner), await newReader('Récent', partner)];
    await adminQuery(
      `insert into public.points_ledger (user_id, points, reason, source_key, created_at)
       values ($1, 500, 'adjustment', 'adjustment:old', now() - interval '8 days')`,
      [old],
    );
    await earn(recent, 1);
    await refresh();
    const client = await as(recent);
    const weekly = await board(client, { board: 'weekly', scope: `partner:${partner}` });
    expect(weekly.rows!.map((r) => r.user_id)).toEqual([recent]);
    const allTime = await board(client, { board: 'all_time', scope: `partner:${partner}` });
    expect(allTime.rows!.map((r) => r.user_id)).toEqual([old, recent]);
  });

  it('a second refresh with nothing new writes nothing', async () => {
    const reader = await newReader();
    await earn(reader, 1);
    await refresh();
    const [result] = await adminQuery<{ r: { written: number; removed: number } }>(
      'select private.refresh_leaderboards() as r',
    );
    expect(result!.r).toMatchObject({ written: 0, removed: 0 });
  });
});

describe('scopes and visibility', () => {
  it('a group board holds its members only, and only members (and staff) see it', async () => {
    const partner = randomUUID();
    const [owner, member, outsider] = [
      await newReader('Propriétaire', partner),
      await newReader('Membre', partner),
      await newReader('Dehors', partner),
    ];
    const group = await newGroup({ ownerId: owner, members: [{ userId: member }] });
    await earn(owner, 1);
    await earn(member, 2);
    await earn(outsider, 3);
    await refresh();
    const scope = `group:${group}`;
    expect((await board(await as(member), { board: 'weekly', scope })).rows!.map((r) => r.user_id)).toEqual([
      member,
      owner,
    ]);
    expect(await board(await as(outsider), { board: 'weekly', scope })).toMatchObject({ rows: null, code: '42501' });
    expect(await board(await clientAs('anon'), { board: 'weekly', scope })).toMatchObject({ code: '42501' });
    expect((await board(await clientAs('moderator'), { board: 'weekly', scope })).rows).toHaveLength(2);
    // The partner board holds all three.
    expect((await board(await as(outsider), { board: 'weekly', scope: `partner:${partner}` })).rows).toHaveLength(3);
  });

  it('a partner board is for that partner’s readers; the global board for everyone', async () => {
    const partner = randomUUID();
    const reader = await newReader('Partenaire', partner);
    await earn(reader, 1);
    await refresh();
    const scope = `partner:${partner}`;
    expect(await board(await clientAs('user'), { board: 'weekly', scope })).toMatchObject({ code: '42501' });
    expect(await board(await clientAs('anon'), { board: 'weekly', scope })).toMatchObject({ code: '42501' });
    expect((await board(await clientAs('admin'), { board: 'weekly', scope })).rows).toHaveLength(1);
    const global = await board(await clientAs('anon'), { board: 'all_time', scope: 'global', limit: 100 });
    expect(global.rows!.some((r) => r.user_id === reader)).toBe(true);
  });

  it('rejects an unknown board, scope or page size with 400', async () => {
    const client = await clientAs('user');
    for (const args of [
      { board: 'monthly', scope: 'global' },
      { board: 'weekly', scope: 'country:SN' },
      { board: 'weekly', scope: 'global', limit: 1000 },
    ]) {
      expect(await board(client, args)).toMatchObject({ status: 400, code: '22023' });
    }
  });
});

describe('opt-out and my_rank', () => {
  it('hides a reader who opted out at once, and drops them from the ranks at the next refresh', async () => {
    const partner = randomUUID();
    const [shy, open] = [await newReader('Discret', partner), await newReader('Ouvert', partner)];
    await earn(shy, 2);
    await earn(open, 1);
    await refresh();
    const scope = `partner:${partner}`;
    const client = await as(open);
    expect((await board(client, { board: 'weekly', scope })).rows!.map((r) => r.user_id)).toEqual([shy, open]);

    await adminQuery(
      `update public.profiles set preferences = preferences || '{"leaderboards": false}' where id = $1`,
      [shy],
    );
    expect((await board(client, { board: 'weekly', scope })).rows!.map((r) => [r.user_id, r.rank])).toEqual([
      [open, 2],
    ]);
    await refresh();
    expect((await board(client, { board: 'weekly', scope })).rows!.map((r) => [r.user_id, r.rank])).toEqual([
      [open, 1],
    ]);
    const { data } = await (await as(shy)).rpc('my_rank', { board: 'weekly', scope });
    expect(data).toEqual([]);
  });

  it('returns the caller’s rank, points and the board’s size; nothing for anon', async () => {
    const partner = randomUUID();
    const [top, me] = [await newReader('Premier', partner), await newReader('Moi', partner)];
    await earn(top, 2);
    await earn(me, 1);
    await refresh();
    const { data } = await (await as(me)).rpc('my_rank', { board: 'all_time', scope: `partner:${partner}` });
    expect(data).toEqual([{ rank: 2, points: 30, entries: 2 }]);
    const anon = await (await clientAs('anon')).rpc('my_rank', { board: 'all_time', scope: 'global' });
    expect(anon.status).toBe(401);
  });
});
