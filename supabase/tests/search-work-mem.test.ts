// A text search runs its match statement with 32 MB of work_mem whatever the session's
// (20261211130000_search_work_mem.sql): below what a common term's bitmap needs, Postgres turns it
// lossy and re-checks every row of every page it touches (3× slower at 100k books, more at 1M).
// auto_explain shows the settings each nested statement ran with.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack.js';
import { adminQuery } from './helpers.js';

let client: pg.Client;
const logged: string[] = [];
let word: string;

beforeAll(async () => {
  const [row] = await adminQuery<{ word: string }>(
    `select w as word
     from private.book_search s, regexp_split_to_table(lower(private.unaccent(s.title)), '[^a-z]+') as w
     where length(w) >= 5
     group by w order by count(*) desc, w limit 1`,
  );
  word = row!.word;
  client = new pg.Client({ connectionString: testStack().adminDatabaseUrl });
  await client.connect();
  client.on('notice', (notice) => logged.push(notice.message ?? ''));
  // A superuser loads auto_explain for this session only; the search then runs as anon.
  await client.query(`load 'auto_explain'`);
  await client.query(`set auto_explain.log_min_duration = 0`);
  await client.query(`set auto_explain.log_nested_statements = on`);
  await client.query(`set auto_explain.log_settings = on`);
  await client.query(`set client_min_messages = log`);
});

afterAll(async () => {
  await client?.end();
});

/** The plans auto_explain logged while `query` ran. */
async function plansOf(query: string, params: unknown[]): Promise<string[]> {
  logged.length = 0;
  await client.query('begin');
  try {
    await client.query('set local role anon');
    await client.query(query, params);
  } finally {
    await client.query('rollback');
  }
  return logged.filter((message) => message.includes('plan:'));
}

describe('search: working memory', () => {
  it('runs the match statement with 32 MB of work_mem when the session has 64 kB', async () => {
    await client.query(`set work_mem = '64kB'`);
    const plans = await plansOf('select public.search_books(query => $1)', [word]);
    const matching = plans.filter((plan) => plan.includes('on book_search'));
    expect(matching.length).toBeGreaterThan(0);
    for (const plan of matching) expect(plan).toContain(`work_mem = '32MB'`);
    // The statement that called it (search_books itself) keeps the session's setting.
    const outer = plans.find((plan) => plan.includes('search_books(') && !plan.includes('on book_search'));
    expect(outer).toContain(`work_mem = '64kB'`);
  });

  it('answers the same whatever the session’s work_mem', async () => {
    const answer = async (workMem: string) => {
      await client.query(`set work_mem = '${workMem}'`);
      await client.query('begin');
      try {
        await client.query('set local role anon');
        const { rows } = await client.query<{ answer: string }>(
          'select public.search_books(query => $1)::text as answer',
          [word],
        );
        return rows[0]!.answer;
      } finally {
        await client.query('rollback');
      }
    };
    const small = await answer('64kB');
    expect(JSON.parse(small).total).toBeGreaterThan(0);
    expect(await answer('4MB')).toBe(small);
  });
});
