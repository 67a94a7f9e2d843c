// What production's rate limits cost a request at the gateway: the same list pages through one gateway
// with the seed's limits counted in Postgres (as `coko gateway` runs them) and through one without
// limits, interleaved in one run, at 1 and at 8 clients. Anonymous readers, each client address its
// own bucket (100 requests/hour, leases of 2), arriving round-robin from many addresses the way a
// carrier's readers do, so each address's next request comes after others' (think time).
//
//   pnpm --filter @coko/bench run bench:limits     # BENCH_BOOKS=2000 by default
//
// See bench/README.md ("Rate limits at the gateway").
import os from 'node:os';
import { createGateway, postgrestUpstream, serveGateway } from '@coko/server/dev';
import pg from 'pg';
import { clientIp } from '../../packages/server/src/gateway/client-ip.ts';
import { gatewayRateLimit } from '../../packages/server/src/limits/gateway.ts';
import { DEFAULT_RATE_LIMITS } from '../../packages/server/src/limits/policies.ts';
import { MemoryRateLimitStore, PostgresRateLimitStore } from '../../packages/server/src/limits/store.ts';
import { generateBooks, startBenchStack } from './bench-stack.ts';
import { intFromEnv, intsFromEnv } from './lib/env.ts';
import { runLoad, type Spec } from './lib/load.ts';
import { writeResults } from './lib/results.ts';
import { figures, round } from './lib/stats.ts';

process.env.RATE_LIMITS = 'off';

const settings = {
  books: intFromEnv('BENCH_BOOKS', 2_000),
  concurrencies: intsFromEnv('BENCH_LIMITS_CONCURRENCY', [1, 8]),
  /** Alternating rounds per comparison (limits on / off). */
  rounds: intFromEnv('BENCH_LIMITS_ROUNDS', 6),
  /** Requests per round and side. */
  requests: intFromEnv('BENCH_LIMITS_REQUESTS', 400),
  /**
   * Readers (client addresses) per round, taking turns: each makes requests ÷ readers requests (8 by
   * default), far under its 100 an hour. Every round has readers of its own.
   */
  readers: intFromEnv('BENCH_LIMITS_READERS', 50),
  /** Milliseconds added to each of the store's round trips, as to a database in another building (default 0). */
  databaseDistanceMs: intFromEnv('BENCH_LIMITS_DB_DISTANCE_MS', 0),
  /** `memory` counts in the process (no database): what the limiter's own code costs. */
  store: process.env.BENCH_LIMITS_STORE === 'memory' ? 'memory' : 'postgres',
};

const LIST_SELECT =
  'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,authors:list_authors';

const log = (line: string) => console.log(line);

async function main() {
  const bench = await startBenchStack();
  const servers: { close(callback: () => void): void }[] = [];
  const pool = new pg.Pool({ connectionString: bench.stack.databaseUrl, max: 4 });
  const stopAll = async () => {
    await Promise.all(servers.map((server) => new Promise((resolveClose) => server.close(() => resolveClose(0)))));
    await pool.end();
    await bench.stop();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const { stack } = bench;
    await generateBooks(stack.adminDatabaseUrl, settings.books);
    // The database as far as a managed one may be from the gateway: each of the store's round trips
    // waits this long first (no CPU spent), on top of the local round trip.
    const distant = {
      query: (text: string, values?: unknown[]) =>
        new Promise((resolveDelay) => setTimeout(resolveDelay, settings.databaseDistanceMs)).then(() =>
          pool.query(text, values),
        ),
    };
    const store =
      settings.store === 'memory'
        ? Object.assign(new MemoryRateLimitStore(), { roundTrips: 0 })
        : new PostgresRateLimitStore(settings.databaseDistanceMs > 0 ? distant : pool);
    const gatewayUrl = async (limited: boolean) => {
      const gateway = createGateway({
        rest: postgrestUpstream({
          url: stack.postgrestUrl,
          anonJwt: stack.anonJwt,
          serviceRoleJwt: stack.serviceRoleJwt,
        }),
        keys: { publishableKey: stack.keys.publishableKey, secretKey: stack.keys.secretKey },
        functions: { fetch: () => new Response(null, { status: 404 }) },
        // Behind one load balancer: the client's address is the last X-Forwarded-For hop.
        client: clientIp(1),
        limiter: limited
          ? gatewayRateLimit({
              policies: DEFAULT_RATE_LIMITS,
              store,
              identify: async () => undefined,
              clientIp: clientIp(1),
            })
          : undefined,
      });
      const server = await serveGateway(gateway.fetch, 0, '127.0.0.1');
      servers.push(server);
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    };
    const sides = { on: await gatewayUrl(true), off: await gatewayUrl(false) };

    // Fresh readers for every round and side, so no address ever nears its hourly 100.
    let nextAddress = 0;
    const specs = (count: number): Spec[] =>
      Array.from({ length: count }, (_, i) => {
        const address = nextAddress + (i % settings.readers);
        return {
          method: 'GET',
          path: `/rest/v1/books?${new URLSearchParams({ select: LIST_SELECT, order: 'is_featured.desc,published_at.desc,id.asc', limit: '20', offset: String((i % 50) * 20) })}`,
          headers: {
            apikey: stack.keys.publishableKey,
            accept: 'application/json',
            'accept-encoding': 'gzip, deflate, br',
            prefer: 'count=estimated',
            'x-forwarded-for': `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
          },
        };
      });
    const block = () => {
      const block = specs(settings.requests);
      nextAddress += settings.readers;
      return block;
    };

    const rows = [];
    for (const concurrency of settings.concurrencies) {
      const options = { concurrency, seconds: 20, requests: settings.requests };
      await runLoad(sides.on, block(), { ...options, requests: 100 });
      await runLoad(sides.off, block(), { ...options, requests: 100 });
      const latencies = { on: [] as number[], off: [] as number[] };
      const elapsed = { on: 0, off: 0 };
      const errors = { on: 0, off: 0 };
      const tripsBefore = store.roundTrips;
      for (let round = 0; round < settings.rounds; round++) {
        for (const side of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
          const result = await runLoad(sides[side], block(), options);
          latencies[side].push(...result.latencies);
          elapsed[side] += result.elapsedMs;
          errors[side] += result.errors;
        }
      }
      const on = figures(latencies.on, elapsed.on, errors.on);
      const off = figures(latencies.off, elapsed.off, errors.off);
      const row = {
        concurrency,
        limitsOn: on,
        limitsOff: off,
        p50Ratio: round(on.p50 / off.p50),
        p95Ratio: round(on.p95 / off.p95),
        throughputRatio: round(on.rps / off.rps),
        roundTripsPerRequest: round((store.roundTrips - tripsBefore) / Math.max(1, on.n)),
      };
      rows.push(row);
      log(
        `c=${concurrency}  p50 ${on.p50} / ${off.p50} ms = ${row.p50Ratio}×  p95 ${on.p95} / ${off.p95} = ${row.p95Ratio}×  req/s ${on.rps} / ${off.rps} = ${row.throughputRatio}×  round trips/request ${row.roundTripsPerRequest}  errors ${errors.on}/${errors.off}`,
      );
    }

    const file = writeResults('rate-limits', {
      date: new Date().toISOString(),
      settings,
      machine: { cpus: os.cpus().length, node: process.version, load: os.loadavg() },
      rows,
    });
    log(
      '\n| clients | p50 limits on / off ms | p50 ratio | p95 on / off ms | p95 ratio | req/s ratio | store round trips per request |',
    );
    log('| --: | --: | --: | --: | --: | --: | --: |');
    for (const row of rows) {
      log(
        `| ${row.concurrency} | ${row.limitsOn.p50} / ${row.limitsOff.p50} | ${row.p50Ratio}× | ${row.limitsOn.p95} / ${row.limitsOff.p95} | ${row.p95Ratio}× | ${row.throughputRatio}× | ${row.roundTripsPerRequest} |`,
      );
    }
    log(`\nWritten to ${file}`);
  } finally {
    await stopAll();
  }
}

await main();
