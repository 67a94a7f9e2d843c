import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const ALL_TESTS = [
  'packages/*/test/**/*.test.{ts,tsx}',
  'supabase/tests/**/*.test.ts',
  'examples/*/test/**/*.test.{ts,tsx}',
  'test/**/*.test.ts',
];
const UNIT_TESTS = ALL_TESTS.map((glob) => glob.replace(/\.test\./, '.unit.test.'));

export default defineConfig({
  // Tests run against the sources; the built packages are checked by publint, attw and the size check.
  resolve: {
    alias: [
      { find: /^@coko\/sdk$/, replacement: source('./packages/sdk/src/index.ts') },
      { find: /^@coko\/sdk\/auth$/, replacement: source('./packages/sdk/src/auth/index.ts') },
      { find: /^@coko\/sdk\/progress$/, replacement: source('./packages/sdk/src/reading/progress-saver.ts') },
      { find: /^@coko\/sdk\/server$/, replacement: source('./packages/sdk/src/server/index.ts') },
      { find: /^@coko\/react$/, replacement: source('./packages/react/src/index.ts') },
    ],
  },
  test: {
    // Two projects: `unit` runs without the stack (no Postgres, no PostgREST: `npm run test:unit`,
    // seconds); `integration` gives each file its own database, PostgREST, API and gateway.
    // `npm test` (vitest run) runs both. A test that needs no database is named `*.unit.test.ts(x)`.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT_TESTS },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ALL_TESTS,
          exclude: [...configDefaults.exclude, ...UNIT_TESTS],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-stack.ts'],
        },
      },
    ],
    pool: 'forks',
    // Node 20 has WebSocket behind a flag (Node 22 ships it): supabase-js ≥ 2.10x needs it at createClient.
    poolOptions: { forks: { maxForks: 2, minForks: 1, execArgv: ['--experimental-websocket'] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
