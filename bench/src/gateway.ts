// Gateway speed: the same requests through the gateway and straight to PostgREST, interleaved in one
// run, at 1 and at 8 clients; the gateway in-process (as `coko dev` runs it) and as 1 and 2 processes.
//
//   pnpm --filter @coko/bench run bench:gateway     # BENCH_BOOKS=20000 by default
//
// See bench/README.md ("Gateway speed") for what each figure means.
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { freePort } from '@coko/server/dev';
import { benchDir, generateBooks, startBenchStack } from './bench-stack.ts';
import { treeCpuMs } from './lib/cpu.ts';
import { intFromEnv, intsFromEnv } from './lib/env.ts';
import { runLoad, type Spec } from './lib/load.ts';
import { writeResults } from './lib/results.ts';
import { figures, round } from './lib/stats.ts';

process.env.RATE_LIMITS = 'off';

const settings = {
  books: intFromEnv('BENCH_BOOKS', 20_000),
  concurrencies: intsFromEnv('BENCH_GATEWAY_CONCURRENCY', [1, 8]),
  /** Alternating gateway / direct rounds per comparison: load from other work hits both alike. */
  rounds: intFromEnv('BENCH_GATEWAY_ROUNDS', 6),
  /** Requests per round and side. */
  requests: intFromEnv('BENCH_GATEWAY_REQUESTS', 300),
  /** Gateway processes to compare (0 = the stack's in-process gateway, as `coko dev` runs it). */
  processes: intsFromEnv('BENCH_GATEWAY_PROCESSES', [0, 1, 2]),
  /** A folder for V8 CPU profiles of the gateway processes (`--cpu-prof`), to see where their time goes. */
  profileDir: process.env.BENCH_GATEWAY_PROFILE_DIR,
};

/** The SDK's list select (packages/sdk/src/catalog/books.ts). */
const LIST_SELECT =
  'id,title,subtitle,cover_path,language,price,currency,is_free,is_featured,format,publication_date,rating_average,rating_count,authors:list_authors';
const LIST_ORDER = 'is_featured.desc,published_at.desc,id.asc';
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br';

interface Side {
  latencies: number[];
  elapsedMs: number;
  errors: number;
  bytes: number;
}

interface Comparison {
  gateway: string;
  scenario: string;
  concurrency: number;
  viaGateway: ReturnType<typeof figures> & { meanBytes: number };
  direct: ReturnType<typeof figures> & { meanBytes: number };
  p50Ratio: number;
  throughputRatio: number;
  /**
   * The gateway's CPU time (its processes' user + system, from /proc) ÷ the requests it answered in the
   * measured rounds, in µs: what the gateway itself costs per request, far less sensitive to other load
   * on the machine than latency. Null for the in-process gateway (it shares its process with the API
   * and the load generator) and off Linux.
   */
  gatewayCpuUsPerRequest: number | null;
}

const log = (line: string) => console.log(line);

async function main() {
  log(`Gateway speed: ${settings.books.toLocaleString('en')} books, clients ${settings.concurrencies.join(' and ')}`);
  const bench = await startBenchStack();
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) => new Promise((r) => (child.exitCode !== null ? r(0) : child.once('exit', r)))),
    );
    await bench.stop();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const { stack } = bench;
    await generateBooks(stack.adminDatabaseUrl, settings.books);

    const anon = { apikey: stack.keys.publishableKey, authorization: `Bearer ${stack.keys.publishableKey}` };
    const listSpecs: Spec[] = Array.from({ length: 50 }, (_, i) => ({
      method: 'GET',
      path: `/rest/v1/books?${new URLSearchParams({ select: LIST_SELECT, order: LIST_ORDER, limit: '20', offset: String(i * 20) })}`,
      headers: {
        ...anon,
        accept: 'application/json',
        'accept-encoding': BROWSER_ACCEPT_ENCODING,
        prefer: 'count=estimated',
      },
    }));
    const searchSpecs: Spec[] = [
      {
        method: 'POST',
        path: '/rest/v1/rpc/search_books',
        headers: {
          ...anon,
          'content-type': 'application/json',
          accept: 'application/json',
          'accept-encoding': BROWSER_ACCEPT_ENCODING,
        },
        body: JSON.stringify({ query: 'xylophonique', sort: 'relevance', page: 1, page_size: 20 }),
      },
    ];
    const direct = (specs: Spec[]): Spec[] =>
      specs.map((spec) => {
        const { apikey: _, authorization: __, 'accept-encoding': ___, ...headers } = spec.headers;
        return {
          ...spec,
          path: spec.path.replace(/^\/rest\/v1/, ''),
          headers: { ...headers, authorization: `Bearer ${stack.anonJwt}` },
        };
      });

    const gateways: { name: string; url: string; pid?: number | undefined }[] = [];
    if (settings.processes.includes(0)) gateways.push({ name: 'in-process (coko dev)', url: stack.url });
    for (const processes of settings.processes.filter((count) => count > 0)) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          ...(settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : []),
          join(benchDir, 'src', 'gateway-process.ts'),
        ],
        {
          env: {
            ...process.env,
            COKO_BENCH_GATEWAY: JSON.stringify({
              port,
              processes,
              postgrestUrl: stack.postgrestUrl,
              anonJwt: stack.anonJwt,
              serviceRoleJwt: stack.serviceRoleJwt,
              publishableKey: stack.keys.publishableKey,
              secretKey: stack.keys.secretKey,
            }),
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      children.push(child);
      await new Promise<void>((resolveReady, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) resolveReady();
        });
        child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}`)));
      });
      gateways.push({
        name: `${processes} process${processes > 1 ? 'es' : ''}`,
        url: `http://127.0.0.1:${port}`,
        pid: child.pid,
      });
    }

    const comparisons: Comparison[] = [];
    for (const concurrency of settings.concurrencies) {
      for (const [scenario, specs] of [
        ['list (20, count=estimated)', listSpecs],
        ['search rare "xylophonique"', searchSpecs],
      ] as const) {
        for (const gateway of gateways) {
          comparisons.push(await compare(gateway, scenario, specs, direct(specs), stack.postgrestUrl, concurrency));
        }
      }
    }

    const file = writeResults(`gateway-${settings.books}`, {
      date: new Date().toISOString(),
      settings,
      machine: { cpus: os.cpus().length, node: process.version, load: os.loadavg() },
      comparisons,
    });
    log(
      '\n| gateway | scenario | clients | p50 gateway / direct ms | ratio (≤ 1.2) | req/s gateway / direct | ratio (≥ 0.8) | gateway CPU µs/req | bytes gateway / direct |',
    );
    log('| --- | --- | --: | --: | --: | --: | --: | --: | --: |');
    for (const c of comparisons) {
      log(
        `| ${c.gateway} | ${c.scenario} | ${c.concurrency} | ${c.viaGateway.p50} / ${c.direct.p50} | ${c.p50Ratio}× | ${c.viaGateway.rps} / ${c.direct.rps} | ${c.throughputRatio}× | ${c.gatewayCpuUsPerRequest ?? '–'} | ${c.viaGateway.meanBytes} / ${c.direct.meanBytes} |`,
      );
    }
    log(
      `\nload average ${os
        .loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')} (1, 5, 15 min) on ${os.cpus().length} cores`,
    );
    log(`${file}`);
  } finally {
    await stopAll();
  }
}

async function compare(
  gateway: { name: string; url: string; pid?: number | undefined },
  scenario: string,
  specs: Spec[],
  directSpecs: Spec[],
  postgrestUrl: string,
  concurrency: number,
): Promise<Comparison> {
  const sides = { gateway: emptySide(), direct: emptySide() };
  let gatewayCpuMs: number | null = gateway.pid === undefined ? null : 0;
  const options = { concurrency, seconds: 20, requests: settings.requests };
  // Warm both paths (connections, plans, JIT) before measuring.
  await runLoad(gateway.url, specs, { ...options, requests: 100 });
  await runLoad(postgrestUrl, directSpecs, { ...options, requests: 100 });
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? (['gateway', 'direct'] as const) : (['direct', 'gateway'] as const);
    for (const side of order) {
      const cpuBefore = side === 'gateway' && gateway.pid !== undefined ? treeCpuMs(gateway.pid) : null;
      const result =
        side === 'gateway'
          ? await runLoad(gateway.url, specs, options)
          : await runLoad(postgrestUrl, directSpecs, options);
      const cpuAfter = cpuBefore === null || gateway.pid === undefined ? null : treeCpuMs(gateway.pid);
      if (side === 'gateway' && gatewayCpuMs !== null) {
        gatewayCpuMs = cpuBefore === null || cpuAfter === null ? null : gatewayCpuMs + cpuAfter - cpuBefore;
      }
      sides[side].latencies.push(...result.latencies);
      sides[side].elapsedMs += result.elapsedMs;
      sides[side].errors += result.errors;
      sides[side].bytes += result.sizes.reduce((a, b) => a + b, 0);
    }
  }
  const summary = (side: Side) => ({
    ...figures(side.latencies, side.elapsedMs, side.errors),
    meanBytes: Math.round(side.bytes / Math.max(1, side.latencies.length)),
  });
  const viaGateway = summary(sides.gateway);
  const direct = summary(sides.direct);
  const comparison = {
    gateway: gateway.name,
    scenario,
    concurrency,
    viaGateway,
    direct,
    p50Ratio: round(viaGateway.p50 / direct.p50),
    throughputRatio: round(viaGateway.rps / direct.rps),
    gatewayCpuUsPerRequest:
      gatewayCpuMs === null ? null : Math.round((gatewayCpuMs * 1000) / Math.max(1, viaGateway.n + viaGateway.errors)),
  };
  log(
    `${gateway.name.padEnd(22)} ${scenario.padEnd(28)} c=${concurrency}  p50 ${viaGateway.p50} / ${direct.p50} ms = ${comparison.p50Ratio}×  req/s ${viaGateway.rps} / ${direct.rps} = ${comparison.throughputRatio}×  gateway CPU ${comparison.gatewayCpuUsPerRequest ?? '–'} µs/req  errors ${viaGateway.errors}/${direct.errors}`,
  );
  return comparison;
}

function emptySide(): Side {
  return { latencies: [], elapsedMs: 0, errors: 0, bytes: 0 };
}

await main();
