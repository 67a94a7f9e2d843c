// What the gateway costs per request, alone: the gateway in this process's main thread in front of a
// stub PostgREST (a child process answering list pages of the bench's shape, 50 distinct pages, and
// the rare search's POST to /rest/v1/rpc/search_books, ~3 kB of JSON), the load generator in a worker
// thread. Each scenario is measured in turn (BENCH_GATEWAY_CPU_SCENARIOS=list,search picks). The figure is the main thread's CPU time (user + system, from
// /proc/self/task/<pid>/stat; compression in place included, the thread pool's and GC helpers' not)
// ÷ requests: µs of one core per request, which other load on the machine hardly moves, unlike
// latency or event-loop utilisation (wall time). Linux only; no database needed; seconds.
//
//   pnpm --filter @coko/bench run bench:gateway-cpu
//   BENCH_GATEWAY_CPU_REQUESTS=20000 BENCH_GATEWAY_CPU_CONCURRENCY=8 BENCH_GATEWAY_CPU_SCENARIOS=search …
//   node --cpu-prof --import tsx src/gateway-cpu.ts   to see where that time goes
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createGateway, freePort, postgrestUpstream, serveGateway } from '@coko/server/dev';
import { intFromEnv } from './lib/env.ts';
import { runLoad, type Spec } from './lib/load.ts';
import { round } from './lib/stats.ts';

const requests = intFromEnv('BENCH_GATEWAY_CPU_REQUESTS', 10_000);
const concurrency = intFromEnv('BENCH_GATEWAY_CPU_CONCURRENCY', 8);
const scenarios = (process.env.BENCH_GATEWAY_CPU_SCENARIOS ?? 'list,search').split(',').map((name) => name.trim());

/** CPU ms (user + system) of this process's main thread so far (its task id is the process id). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ = 100
}

// The stub: PostgREST's headers and a page of 20 list rows (~6.6 kB of JSON) per offset, sent chunked;
// for POST /rpc/search_books (after reading the request body, as PostgREST does), search_books' jsonb
// for a rare term: 8 books, their total and facets (~3 kB), chunked with no length, as PostgREST sends
// an RPC's answer.
const STUB = `
const http = require('node:http');
const hit = (i) => ({ id: '00000000-0000-4000-8000-' + String(i).padStart(12, '0'), title: 'Le xylophonique voyage, tome ' + i,
  subtitle: 'Une histoire de musique', cover_path: 'covers/' + i + '.webp', language: 'fr', price: 1500, currency: 'XOF',
  is_free: false, format: 'epub', rank: 0.0607927 - i / 1000, authors: [{ id: 'a' + i, name: 'Moussa Traoré ' + i }] });
const search = JSON.stringify({ items: Array.from({ length: 8 }, (_, i) => hit(i)), total: 8, page: 1, page_size: 20,
  facets: { categories: [{ slug: 'romans', name: 'Romans', count: 5 }, { slug: 'contes', name: 'Contes', count: 3 }],
    languages: [{ language: 'fr', count: 8 }], price: [{ is_free: false, count: 8 }] } });
const row = (i) => ({ id: '00000000-0000-4000-8000-' + String(i).padStart(12, '0'), title: 'Les contes de la savane, tome ' + i,
  subtitle: 'Récits de la tradition orale recueillis au village', cover_path: 'covers/' + i + '.webp', language: 'fr',
  price: 1500 + (i % 7) * 100, currency: 'XOF', is_free: i % 5 === 0, is_featured: i % 11 === 0, format: 'epub',
  publication_date: '2024-0' + (1 + (i % 9)) + '-15', list_authors: [{ id: 'a' + (i % 97), name: 'Aminata Diallo ' + (i % 97) }] });
const server = http.createServer((req, res) => {
  if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-range': '0-0/*' });
      res.write(search); // write, then end: chunked, no Content-Length
      res.end();
    });
    return;
  }
  const offset = Number(new URL(req.url, 'http://x').searchParams.get('offset') ?? 0);
  const body = JSON.stringify(Array.from({ length: 20 }, (_, i) => row(offset + i)));
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-range': offset + '-' + (offset + 19) + '/20000' });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[1]), '127.0.0.1', () => console.log('ready'));
`;

async function main() {
  const stubPort = await freePort();
  const stub: ChildProcess = spawn(process.execPath, ['-e', STUB, String(stubPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready) => stub.stdout?.once('data', () => ready()));
  const keys = { publishableKey: 'sb_publishable_bench', secretKey: 'sb_secret_bench' };
  const gateway = createGateway({
    rest: postgrestUpstream({
      url: `http://127.0.0.1:${stubPort}`,
      anonJwt: 'anon.jwt',
      serviceRoleJwt: 'service.jwt',
    }),
    keys,
    functions: { fetch: () => new Response(null, { status: 404 }) },
  });
  const port = await freePort();
  const server = await serveGateway(gateway.fetch, port, '127.0.0.1');
  try {
    const anon = { apikey: keys.publishableKey, authorization: `Bearer ${keys.publishableKey}` };
    const specsOf: Record<string, Spec[]> = {
      // The SDK's list page: 50 distinct pages.
      list: Array.from({ length: 50 }, (_, i) => ({
        method: 'GET',
        path: `/rest/v1/books?select=id,title&order=id.asc&limit=20&offset=${i * 20}`,
        headers: {
          ...anon,
          accept: 'application/json',
          'accept-encoding': 'gzip, deflate, br',
          prefer: 'count=estimated',
        },
      })),
      // The bench's rare search, by POST as supabase-js's rpc() sends it.
      search: [
        {
          method: 'POST',
          path: '/rest/v1/rpc/search_books',
          headers: {
            ...anon,
            'content-type': 'application/json',
            accept: 'application/json',
            'accept-encoding': 'gzip, deflate, br',
          },
          body: JSON.stringify({ query: 'xylophonique', sort: 'relevance', page: 1, page_size: 20 }),
        },
      ],
    };
    const origin = `http://127.0.0.1:${port}`;
    for (const scenario of scenarios) {
      const specs = specsOf[scenario];
      if (!specs) throw new Error(`unknown scenario ${scenario} (list, search)`);
      await runLoad(origin, specs, { concurrency, seconds: 60, requests: 2_000 });
      const before = mainThreadCpuMs();
      const result = await runLoad(origin, specs, { concurrency, seconds: 120, requests });
      const usedMs = mainThreadCpuMs() - before;
      const answered = result.latencies.length;
      const bytes = result.sizes.reduce((a, b) => a + b, 0);
      console.log(
        JSON.stringify({
          scenario,
          requests: answered,
          errors: result.errors,
          statuses: result.statuses,
          concurrency,
          gatewayCpuUsPerRequest: Math.round((usedMs * 1000) / Math.max(1, answered)),
          meanBodyBytes: Math.round(bytes / Math.max(1, answered)),
          reqPerSecond: round((answered / result.elapsedMs) * 1000, 1),
        }),
      );
    }
  } finally {
    await new Promise<void>((closed) => server.close(() => closed()));
    stub.kill('SIGTERM');
  }
}

await main();
