// Starts the bench stack with N books and keeps it running, for EXPLAIN ANALYZE and manual
// requests: `BENCH_BOOKS=100000 pnpm --filter @coko/bench run serve`. Ctrl-C stops and deletes it.
import { mintUserToken } from '@coko/server/dev';
import { generateBooks, startBenchStack } from './bench-stack.ts';

// As in the catalog bench: load from one address must not meet the rate limits.
process.env.RATE_LIMITS = 'off';

const books = Number(process.env.BENCH_BOOKS || 100_000);
const bench = await startBenchStack();
const { stack } = bench;
const data = await generateBooks(stack.adminDatabaseUrl, books);
const userToken = await mintUserToken(
  stack.keys,
  { id: '00000000-0000-4000-8000-000000000001', email: 'demo@coko.africa' },
  { expiresInSeconds: 24 * 3600 },
);
console.log(
  JSON.stringify(
    {
      books,
      ...data,
      url: stack.url,
      publishableKey: stack.keys.publishableKey,
      secretKey: stack.keys.secretKey,
      adminDatabaseUrl: stack.adminDatabaseUrl,
      userToken,
    },
    null,
    2,
  ),
);
console.log('Ready; Ctrl-C stops.');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void bench.stop().then(() => process.exit(0)));
}
