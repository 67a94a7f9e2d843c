import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per public entry point. `auth` (`@coko/sdk/auth`) is the only one importing
  // @supabase/supabase-js, so the core never pulls it in.
  // `offline` (`@coko/sdk/offline`, the reading write queue) and `node` (`@coko/sdk/node`, its file
  // storage, the only code importing node:*) stay out of the core entry.
  entry: {
    index: 'src/index.ts',
    auth: 'src/auth/index.ts',
    offline: 'src/offline/index.ts',
    node: 'src/offline/node.ts',
    // `@coko/sdk/server`: partner backends (secret key); never in a browser bundle.
    server: 'src/server/index.ts',
    // `@coko/sdk/progress`: debounced, optimistic progress saves for reader UIs (`@coko/react` uses it).
    progress: 'src/reading/progress-saver.ts',
  },
  format: ['esm', 'cjs'],
  // Shared code (errors, validation) lives in one chunk for both formats, so an error thrown by
  // `@coko/sdk/auth` is an instance of the classes `@coko/sdk` exports, in CJS too.
  splitting: true,
  dts: true,
  target: 'es2020',
  platform: 'neutral',
  sourcemap: true,
  clean: true,
  treeshake: true,
  // Dependencies (postgrest-js, zod) stay external: the app's bundler dedupes them.
  skipNodeModulesBundle: true,
});
