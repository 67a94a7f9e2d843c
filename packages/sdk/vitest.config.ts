import { defineConfig } from 'vitest/config';

// Used for `vitest --root packages/sdk` and as this package's project in the root workspace.
// Integration tests read COKO_TEST_URL / COKO_TEST_PUBLISHABLE_KEY (set by the root harness,
// test/setup-stack.ts) and are skipped without them.
export default defineConfig({
  test: {
    name: '@coko/sdk',
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
