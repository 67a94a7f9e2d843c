// Leaderboards at scale (opt-in: COKO_SCALE_READERS=100000 npx vitest run supabase/tests/engagement-scale.test.ts).
// Generates a population (readers with scores, 20 partners, reading groups of 20 members), then
// measures private.refresh_leaderboards() cold, again with nothing new, and after 1 % of the readers
// gained points, plus the p50/p99 of public.leaderboard() and public.my_rank() as a reader. Prints the
// figures (docs/DECISIONS.md "Engagement — gamification" records them); asserts only correctness.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { adminQuery, sqlAs } from './helpers.js';

const READERS = Number(process.env.COKO_SCALE_READERS ?? 0);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timed(sql: string): Promise<number> {
  const start = performance.now();
  await adminQuery(sql);
  return performance.now() - start;
}

describe.skipIf(!READERS)(`leaderboards with ${READERS} readers`, () => {
  it('refreshes and reads fast enough, with contiguous ranks', { timeout: 600_000 }, async () => {
    // Readers: auth users (the trigger creates their profiles) in 20 partners, with scores.
    await adminQuery(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
              'scale-' || i || '@engagement.test',
              jsonb_build_object('partner_id', ('20000000-0000-4000-8000-' || lpad((i % 20)::text, 12, '0'))),
              jsonb_build_object('display_name', 'Lecteur ' || i), now(), now()
         from generate_series(1, $1) i`,
      [READERS],
    );
    await adminQuery(
      `insert into public.reader_scores (user_id, points, level, weekly_points, week_start, reached_at, weekly_reached_at)
       select u.id, p, private.level_for(p), p % 200, private.week_start(now()), now() - (p || ' seconds')::interval, now()
         from (select id, (random() * 5000)::int as p from auth.users where email like 'scale-%') u`,
    );
    // Reading groups of 20 members (the first reader of each block owns it).
    await adminQuery(
      `with owners as (
         select id, row_number() over (order by id) as n from auth.users where email like 'scale-%'
       )
       insert into public.reading_groups (name, visibility, owner_id, member_limit)
       select 'Groupe ' || n, 'public', id, 50 from owners where n % 20 = 1 and n <= $1 / 5`,
      [READERS],
    );
    await adminQuery(
      `with readers as (
         select id, row_number() over (order by id) as n from auth.users where email like 'scale-%' and id not in (select owner_id from public.reading_groups)
       ), groups as (
         select id, row_number() over (order by id) as n, count(*) over () as total from public.reading_groups
       )
       insert into public.group_members (group_id, user_id)
       select g.id, r.id from readers r join groups g on g.n = (r.n % g.total) + 1 where r.n <= g.total * 19`,
    );
    await adminQuery('analyze');

    const cold = await timed('select private.refresh_leaderboards()');
    const idle = await timed('select private.refresh_leaderboards()');
    await adminQuery(
      `update public.reader_scores set points = points + 25, weekly_points = weekly_points + 25, reached_at = now(),
              weekly_reached_at = now()
        where user_id in (select user_id from public.reader_scores tablesample bernoulli (1))`,
    );
    const warm = await timed('select private.refresh_leaderboards()');

    const [check] = await adminQuery<{ entries: number; max_rank: number; readers: number }>(
      `select count(*)::int as entries, max(rank) as max_rank,
              (select count(*)::int from public.reader_scores where points > 0) as readers
         from public.leaderboard_entries where board = 'all_time' and scope = 'global'`,
    );
    expect(check!.max_rank).toBe(check!.entries);
    expect(check!.entries).toBe(check!.readers);

    const users = await adminQuery<{ id: string }>(
      'select user_id as id from public.reader_scores order by random() limit 200',
    );
    const board: number[] = [];
    const rank: number[] = [];
    for (const [i, { id }] of users.entries()) {
      const claims = { sub: id, role: 'authenticated', aud: 'authenticated', app_metadata: {} };
      await sqlAs('authenticated', claims, async (db) => {
        let start = performance.now();
        await db.query(`select * from public.leaderboard('all_time', 'global', 20, $1)`, [(i * 97) % 5000]);
        board.push(performance.now() - start);
        start = performance.now();
        const { rows } = await db.query(`select * from public.my_rank('all_time', 'global')`);
        rank.push(performance.now() - start);
        expect(rows).toHaveLength(1);
      });
    }
    const [size] = await adminQuery<{ n: number }>('select count(*)::int as n from public.leaderboard_entries');
    console.log(
      [
        `readers ${READERS}, leaderboard entries ${size!.n}`,
        `refresh: cold ${ms(cold)}, nothing new ${ms(idle)}, after 1 % gained points ${ms(warm)}`,
        `leaderboard page p50 ${ms(percentile(board, 50))} p99 ${ms(percentile(board, 99))}`,
        `my_rank p50 ${ms(percentile(rank, 50))} p99 ${ms(percentile(rank, 99))}`,
      ].join('\n'),
    );
  });
});
