import { defineConfig, type Options } from 'tsup';

const shared = {
  // Builds against @coko/sdk's published types (dist): `pnpm -r build` builds the SDK first.
  // (tsconfig.json maps @coko/sdk to its source so typechecking needs no build.)
  tsconfig: 'tsconfig.build.json',
  format: ['esm', 'cjs'],
  dts: true,
  target: 'es2020',
  platform: 'neutral',
  sourcemap: true,
  // Peers and the SDK stay external (one React, one QueryClient, one SDK in the app).
  external: ['react', 'react/jsx-runtime', '@tanstack/react-query', '@coko/sdk', '@coko/sdk/progress'],
} satisfies Options;

export default defineConfig([
  // Hooks and provider: the whole entry is client code. esbuild drops per-file directives when it
  // bundles, so the directive is added back on top of the output.
  { ...shared, entry: { index: 'src/index.ts' }, banner: { js: "'use client';" }, clean: true },
  // Query keys and queryOptions factories, usable on the server (RSC prefetching, loaders).
  { ...shared, entry: { options: 'src/options.ts' } },
]);
