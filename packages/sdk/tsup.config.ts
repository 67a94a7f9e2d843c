import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per public entry point; later: `auth: 'src/auth/index.ts'` for `@coko/sdk/auth`.
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'es2020',
  platform: 'neutral',
  sourcemap: true,
  clean: true,
  treeshake: true,
  // Dependencies (postgrest-js, ky, zod) stay external: the app's bundler dedupes them.
  skipNodeModulesBundle: true,
});
