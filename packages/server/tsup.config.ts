import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  // One file per published entry: production (`.`), the CLI and the dev stack (`./dev`); code they
  // share lands in chunks, so production loads no dev-stack module. The test harness (`./testing`)
  // stays in the workspace: it runs the sources through tsx.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/index.ts',
    dev: 'src/dev.ts',
  },
  format: ['esm'],
  splitting: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  // Dependencies stay external (installed next to the package); the SDK's error vocabulary, imported
  // from the workspace sources, is bundled.
  skipNodeModulesBundle: true,
  // Supabase's roles and schemas for plain Postgres, read by the dev stack at run time.
  onSuccess: async () => {
    cpSync('src/stack/sql', 'dist/sql', { recursive: true });
  },
});
