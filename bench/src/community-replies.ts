// Posting a reply: p99 of `POST /rest/v1/discussion_posts` through the gateway at 8 clients, as
// `coko.community.discussions.reply()` sends it (return=representation with the SDK's columns). Each
// client is its own reader replying to a random post of one busy book thread (2 000 replies), so the
// figures include RLS (thread visibility, group membership), the throttle, the depth computation, the
// mention check and the thread's reply-count update — the row lock every reply of a thread shares.
//
//   cd bench && npx tsx src/community-replies.ts
//   BENCH_REPLY_SECONDS=20 npx tsx src/community-replies.ts
//
// `benchReplies(stack)` is exported for bench/src/community.ts (`bench:community`).
import { randomUUID } from 'node:crypto';
import { mintUserToken, type Stack, withClient } from '@coko/server/dev';
import { startBenchStack } from './bench-stack.ts';
import { intFromEnv } from './lib/env.ts';
import { runLoad, type Spec } from './lib/load.ts';
import { type Figures, figures } from './lib/stats.ts';

/** The SDK's reply columns (packages/sdk/src/community/discussions.ts). */
const POST_COLUMNS =
  'id,thread_id,parent_id,depth,user_id,body,mentions,hidden_at,deleted_at,edited_at,created_at,updated_at';

export interface RepliesResult {
  clients: number;
  existingReplies: number;
  reply: Figures;
}

/** Runs the reply scenario on a started stack (seeded: it needs one published book). */
export async function benchReplies(
  stack: Stack,
  options: { clients?: number; seconds?: number; warmupSeconds?: number; existing?: number } = {},
): Promise<RepliesResult> {
  const clients = options.clients ?? 8;
  const existing = options.existing ?? 2000;
  const readers = Array.from({ length: clients }, () => randomUUID());
  const { thread, posts } = await withClient(stack.adminDatabaseUrl, async (db) => {
    for (const id of readers) {
      await db.query(
        `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
         values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{}', '{}', now(), now())`,
        [id, `bench-${id.slice(0, 8)}@community.bench`],
      );
    }
    // The per-minute limit would stop a reader after 10 replies: lifted for the bench (the throttle
    // still runs, so its cost is in the figures).
    await db.query(`update private.community_limits set per_minute = 10000 where action = 'post'`);
    const {
      rows: [book],
    } = await db.query<{ id: string }>(`select id from public.books where status = 'published' order by id limit 1`);
    if (!book) throw new Error('the seed has no published book');
    const {
      rows: [created],
    } = await db.query<{ id: string }>(
      `insert into public.discussion_threads (book_id, user_id, title, body) values ($1, $2, 'Bench', 'Un fil animé') returning id`,
      [book.id, readers[0]],
    );
    const { rows } = await db.query<{ id: string }>(
      `insert into public.discussion_posts (thread_id, user_id, body)
       select $1, $2, 'Réponse ' || g from generate_series(1, $3) g returning id`,
      [created!.id, readers[0], existing],
    );
    await db.query('analyze public.discussion_posts, public.discussion_threads');
    return { thread: created!.id, posts: rows.map((r) => r.id) };
  });

  const tokens = await Promise.all(readers.map((id) => mintUserToken(stack.keys, { id }, { expiresInSeconds: 3600 })));
  // Reader-interleaved, so the clients are different readers at any moment.
  const specs: Spec[] = [];
  for (let j = 0; j < 50; j++) {
    for (const [i, token] of tokens.entries()) {
      specs.push({
        method: 'POST',
        path: `/rest/v1/discussion_posts?select=${POST_COLUMNS}`,
        headers: {
          apikey: stack.keys.publishableKey,
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          prefer: 'return=representation',
          accept: 'application/vnd.pgrst.object+json',
        },
        body: JSON.stringify({
          thread_id: thread,
          parent_id: (i + j) % 3 === 0 ? null : posts[(i * 97 + j * 31) % posts.length],
          body: `Réponse du lecteur ${i} (${j}) : tout à fait d'accord !`,
          mentions: j % 5 === 0 ? [readers[(i + 1) % readers.length]] : [],
        }),
        tag: 'reply',
      });
    }
  }

  const seconds = options.seconds ?? intFromEnv('BENCH_REPLY_SECONDS', 8);
  const warmupSeconds = options.warmupSeconds ?? 2;
  await runLoad(stack.url, specs, { concurrency: clients, requests: 1_000_000, seconds: warmupSeconds });
  const result = await runLoad(stack.url, specs, { concurrency: clients, requests: 1_000_000, seconds });
  const bad = Object.entries(result.statuses).filter(([status]) => status !== '201');
  if (bad.length) throw new Error(`unexpected statuses: ${JSON.stringify(result.statuses)}`);
  return { clients, existingReplies: existing, reply: figures(result.latencies, result.elapsedMs, result.errors) };
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '');
if (isMain) {
  process.env.RATE_LIMITS = 'off';
  const bench = await startBenchStack();
  try {
    const result = await benchReplies(bench.stack);
    console.log(JSON.stringify(result, null, 2));
  } catch (error) {
    console.error(bench.logTail().slice(-30).join('\n'));
    throw error;
  } finally {
    await bench.stop();
  }
}
