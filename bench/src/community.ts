// Community benchmark (issue 12): what reviews and ratings cost readers who never write one.
//
//   pnpm --filter @coko/bench run bench:community      (≈ 1–2 min on 2 cores with the defaults)
//
// On one throwaway stack with BENCH_BOOKS generated books (bench/sql/generate-books.sql; default
// 10,000 so the run stays short — the catalog bench uses 100k):
// 1. The catalog list (`coko.catalog.list()`'s request: featured then newest, 20 a page, pages
//    1–10, count=estimated) with and without `rating_average,rating_count` in the select, the two
//    interleaved in the same load so they share the machine's state. Every book carries a rating
//    (written directly, as the review triggers would), so the payload is the worst case. Goal: the
//    list's p99 with ratings ≤ 1.1 × without.
// 2. The first page of a book's reviews (`coko.community.reviews.list()`'s request, 10 + 1 rows)
//    for a book with BENCH_REVIEWS (1,000) reviews, by each sort, as a guest and as a signed-in
//    reader (whose select embeds their own vote): p50/p99. Plus the planner's plan of each sort's
//    first page (an index scan, no sort of the book's 1,000 reviews).
// 3. Replies (bench/src/community-replies.ts): posting a reply p99 at 8 clients.
//
// Writes bench/results/community.json.
import os from 'node:os';
import { mintUserToken } from '@coko/server/dev';
import pg from 'pg';
import { generateBooks, startBenchStack } from './bench-stack.ts';
import { benchReplies } from './community-replies.ts';
import { intFromEnv } from './lib/env.ts';
import { type LoadResult, runLoad, type Spec } from './lib/load.ts';
import { writeResults } from './lib/results.ts';
import { type Figures, figures, round } from './lib/stats.ts';

// Thousands of requests from one address: the gateway's rate limits off (as the catalog bench).
process.env.RATE_LIMITS = 'off';

const settings = {
  books: intFromEnv('BENCH_BOOKS', 10_000),
  reviews: intFromEnv('BENCH_REVIEWS', 1_000),
  concurrency: intFromEnv('BENCH_COMMUNITY_CONCURRENCY', 2),
  seconds: intFromEnv('BENCH_COMMUNITY_SECONDS', 10),
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 3),
};
const TARGETS = { listP99Ratio: 1.1 };

/** The SDK's list select before and after the community (packages/sdk/src/catalog/books.ts). */
const LIST_WITHOUT =
  'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,list_authors';
const LIST_WITH =
  'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,list_authors';
const REVIEW_COLUMNS =
  'id,book_id,user_id,rating,title,body,is_verified_reader,helpful_count,hidden_at,edited_at,created_at,updated_at';
const SORTS = {
  newest: 'created_at.desc,id.desc',
  helpful: 'helpful_count.desc,created_at.desc,id.desc',
  rating_high: 'rating.desc,created_at.desc,id.desc',
  rating_low: 'rating.asc,created_at.desc,id.desc',
} as const;

const log = (line: string) => console.log(line);
const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
function row(name: string, f: Figures): void {
  log(
    `  ${name.padEnd(44)} n=${String(f.n).padEnd(6)} p50 ${fmt(f.p50)}  p99 ${fmt(f.p99)}  ${String(f.rps).padStart(8)} req/s${f.errors ? `  ERRORS ${f.errors}` : ''}`,
  );
}
function byTag(result: LoadResult, tag: string): Figures {
  const latencies = result.latencies.filter((_, i) => result.tags[i] === tag);
  const errors = result.codes.filter((code, i) => result.tags[i] === tag && code >= 400).length;
  return figures(latencies, result.elapsedMs, errors);
}

async function measure(origin: string, specs: Spec[]): Promise<LoadResult> {
  await runLoad(origin, specs, {
    concurrency: settings.concurrency,
    requests: 1_000_000,
    seconds: settings.warmupSeconds,
  });
  return runLoad(origin, specs, { concurrency: settings.concurrency, requests: 1_000_000, seconds: settings.seconds });
}

async function main() {
  const t0 = Date.now();
  log(
    `Coko community bench: catalog list with vs without ratings (${settings.books.toLocaleString('en')} books), first page of reviews (${settings.reviews} reviews), c=${settings.concurrency}`,
  );
  log(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, Node ${process.version}, load ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
  const bench = await startBenchStack();
  const { stack } = bench;
  process.once('SIGINT', () => {
    void bench.stop().then(() => process.exit(130));
  });
  const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 1 });
  try {
    await generateBooks(stack.adminDatabaseUrl, settings.books);

    // ---- Data: a rating on every book; one book with many reviews --------------------------------
    // Histograms from the id (deterministic), as the review triggers would leave them.
    await admin.query(`
      update public.books b set rating_histogram = h.h, rating_count = h.c,
        rating_average = case when h.c > 0 then round((h.h[1] + 2 * h.h[2] + 3 * h.h[3] + 4 * h.h[4] + 5 * h.h[5])::numeric / h.c, 2) end
      from (
        select id, array[x % 3, x % 5, x % 7, x % 11, x % 13] as h, x % 3 + x % 5 + x % 7 + x % 11 + x % 13 as c
        from (select id, abs(hashtext(id::text)) as x from public.books) s
      ) h
      where h.id = b.id`);
    const { rows: picked } = await admin.query<{ id: string }>(
      `select id from public.books where is_published order by is_featured desc, published_at desc, id limit 1`,
    );
    const bookId = picked[0]!.id;
    // Its rating comes from its real reviews only (the triggers add each one).
    await admin.query(
      `update public.books set rating_histogram = '{0,0,0,0,0}', rating_count = 0, rating_average = null where id = $1`,
      [bookId],
    );
    await admin.query(
      `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
              'bench-reviewer-' || i || '@bench.test', '{}', '{}', now(), now()
         from generate_series(1, $1) i`,
      [settings.reviews],
    );
    await admin.query(
      `insert into public.reviews (book_id, user_id, rating, title, body, helpful_count, created_at)
       select $1, u.id, 1 + (row_number() over () % 5)::int, 'Avis ' || row_number() over (),
              repeat('Un avis de lecteur, assez long pour peser comme un vrai. ', 1 + (row_number() over () % 6)::int),
              (row_number() over () * 7919 % 50)::int, now() - (row_number() over ()) * interval '1 minute'
         from auth.users u where u.email like 'bench-reviewer-%@bench.test'`,
      [bookId],
    );
    const reader = (
      await admin.query<{ id: string }>(`select id from auth.users where email = 'bench-reviewer-1@bench.test'`)
    ).rows[0]!.id;
    await admin.query(
      `insert into public.review_votes (review_id, user_id)
       select r.id, $2 from public.reviews r where r.book_id = $1 and r.user_id <> $2 order by r.helpful_count desc limit 5`,
      [bookId, reader],
    );
    await admin.query('vacuum analyze public.books, public.reviews, public.review_votes');
    const [summary] = (
      await admin.query(`select rating_count, rating_average::float from public.books where id = $1`, [bookId])
    ).rows;
    log(`  book ${bookId}: ${summary.rating_count} reviews, average ${summary.rating_average}`);

    const anon = { apikey: stack.keys.publishableKey, 'accept-encoding': 'gzip, deflate, br' };
    const token = await mintUserToken(stack.keys, { id: reader }, { expiresInSeconds: 3600 });
    const signedIn = { ...anon, authorization: `Bearer ${token}` };

    // ---- 1. Catalog list with vs without the rating columns --------------------------------------
    const listSpec = (select: string, page: number, tag: string): Spec => ({
      method: 'GET',
      path: `/rest/v1/books?select=${select}&order=is_featured.desc,published_at.desc,id.asc&offset=${(page - 1) * 20}&limit=20`,
      headers: { ...anon, prefer: 'count=estimated' },
      tag,
    });
    const listSpecs = Array.from({ length: 10 }, (_, i) => [
      listSpec(LIST_WITHOUT, i + 1, 'without'),
      listSpec(LIST_WITH, i + 1, 'with'),
    ]).flat();
    const bytes = async (select: string) =>
      (await (await fetch(`${stack.url}${listSpec(select, 1, '').path}`, { headers: { apikey: anon.apikey } })).text())
        .length;
    const payload = { without: await bytes(LIST_WITHOUT), with: await bytes(LIST_WITH) };
    log(
      `\nCatalog list (page 1–10, 20 books), interleaved; JSON bytes of page 1: ${payload.without} → ${payload.with}`,
    );
    for (const spec of listSpecs.slice(0, 2)) {
      const res = await fetch(stack.url + spec.path, { headers: spec.headers });
      if (res.status !== 200 && res.status !== 206) throw new Error(`list ${spec.tag}: ${res.status}`);
    }
    const listResult = await measure(stack.url, listSpecs);
    const list = { without: byTag(listResult, 'without'), with: byTag(listResult, 'with') };
    row('list without ratings', list.without);
    row('list with rating_average, rating_count', list.with);
    const p99Ratio = round(list.with.p99 / list.without.p99, 3);
    log(`  p99 ratio ${p99Ratio} (goal ≤ ${TARGETS.listP99Ratio})`);

    // ---- 2. First page of a book's reviews, by sort ------------------------------------------------
    const reviewSpec = (sort: keyof typeof SORTS, who: 'guest' | 'reader'): Spec => ({
      method: 'GET',
      path: `/rest/v1/reviews?select=${who === 'reader' ? `${REVIEW_COLUMNS},my_vote:review_votes(review_id)` : REVIEW_COLUMNS}&book_id=eq.${bookId}&order=${SORTS[sort]}&limit=11`,
      headers: who === 'reader' ? signedIn : anon,
      tag: `${sort}:${who}`,
    });
    const reviewSpecs = (Object.keys(SORTS) as (keyof typeof SORTS)[]).flatMap((sort) => [
      reviewSpec(sort, 'guest'),
      reviewSpec(sort, 'reader'),
    ]);
    for (const spec of reviewSpecs) {
      const res = await fetch(stack.url + spec.path, { headers: spec.headers });
      const body = (await res.json()) as unknown[];
      if (res.status !== 200 || body.length !== 11) throw new Error(`${spec.tag}: ${res.status}, ${body.length} rows`);
    }
    log(`\nFirst page of reviews (11 rows of ${settings.reviews}), interleaved`);
    const reviewResult = await measure(stack.url, reviewSpecs);
    const reviews: Record<string, Figures> = {};
    for (const spec of reviewSpecs) {
      reviews[spec.tag!] = byTag(reviewResult, spec.tag!);
      row(`reviews ${spec.tag}`, reviews[spec.tag!]!);
    }
    const reviewsP99 = round(Math.max(...Object.values(reviews).map((f) => f.p99)));

    // The plans, as PostgREST runs them for a signed-in reader (RLS included).
    const plans: Record<string, string> = {};
    const client = await admin.connect();
    try {
      for (const [sort, order] of Object.entries(SORTS)) {
        await client.query('begin');
        await client.query('set local role authenticated');
        await client.query(`select set_config('request.jwt.claims', $1, true)`, [
          JSON.stringify({ sub: reader, role: 'authenticated' }),
        ]);
        const orderBy = order.replace(/\.(asc|desc)/g, ' $1');
        const { rows } = await client.query(
          `explain (analyze, costs off, timing off, summary on) select id from public.reviews where book_id = $1 order by ${orderBy} limit 11`,
          [bookId],
        );
        await client.query('rollback');
        const lines = rows.map((r) => r['QUERY PLAN'] as string);
        plans[sort] = lines
          .filter((l) => /Scan|Sort|Execution Time/.test(l))
          .map((l) => l.trim())
          .join(' | ');
        log(`  plan ${sort}: ${plans[sort]}`);
      }
    } finally {
      client.release();
    }

    // ---- 3. Replies: posting a reply at 8 clients ------------------------------------------------
    const replies = await benchReplies(stack);

    const result = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      settings,
      targets: TARGETS,
      list: { ...list, p99Ratio, payloadBytes: payload, pass: p99Ratio <= TARGETS.listP99Ratio },
      reviews: { book: bookId, perSort: reviews, p99: reviewsP99, plans },
      replies,
      seconds: round((Date.now() - t0) / 1000, 1),
    };
    writeResults('community', result);
    log(
      `\nList p99 ratio ${p99Ratio} (${result.list.pass ? 'PASS' : 'FAIL'}); reviews first page p99 ≤ ${reviewsP99} ms`,
    );
    log(`Wrote bench/results/community.json in ${result.seconds} s`);
  } finally {
    await admin.end();
    await bench.stop();
  }
}

await main();
