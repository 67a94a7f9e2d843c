import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Used for `vitest --root packages/react` and as this package's project in the root workspace.
// `@coko/sdk` resolves to its source so the hooks are tested against the SDK in this checkout
// without building it first. DOM tests opt into happy-dom with a file-level comment.
export default defineConfig({
  resolve: {
    alias: { '@coko/sdk': fileURLToPath(new URL('../sdk/src/index.ts', import.meta.url)) },
  },
  test: {
    name: '@coko/react',
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
