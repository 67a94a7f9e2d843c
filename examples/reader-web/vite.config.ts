import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The values `npm run dev` writes to the repository's `.coko/dev.json`, if it has run. */
function localStack(): { url?: string; publishableKey?: string; partner?: { publishableKey?: string } } {
  const file = here('../../.coko/dev.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

export default defineConfig(({ mode }) => {
  // VITE_COKO_URL / VITE_COKO_PUBLISHABLE_KEY from the environment or a .env file win; the local
  // stack's values are only defaults, so `npm run dev` + `pnpm dev` needs no configuration.
  const env = loadEnv(mode, here('.'), 'VITE_');
  const stack = localStack();
  const url = env.VITE_COKO_URL || stack.url || '';
  const publishableKey = env.VITE_COKO_PUBLISHABLE_KEY || stack.publishableKey || '';
  // With the demo partner of `npm run dev`, readers sign in through examples/partner-backend on its
  // default port; set VITE_PARTNER_BACKEND_URL to another backend, or to nothing for guests only.
  const partnerBackend = env.VITE_PARTNER_BACKEND_URL ?? (stack.partner ? 'http://127.0.0.1:8787' : '');
  return {
    plugins: [react()],
    define: {
      'import.meta.env.VITE_COKO_URL': JSON.stringify(url),
      'import.meta.env.VITE_COKO_PUBLISHABLE_KEY': JSON.stringify(publishableKey),
      'import.meta.env.VITE_PARTNER_BACKEND_URL': JSON.stringify(partnerBackend),
    },
    resolve: {
      // In this monorepo the SDK and the hooks come from their sources (as in the tests); a partner
      // app installs @coko/sdk and @coko/react from npm and needs none of this.
      alias: [
        { find: /^@coko\/sdk$/, replacement: here('../../packages/sdk/src/index.ts') },
        { find: /^@coko\/sdk\/progress$/, replacement: here('../../packages/sdk/src/reading/progress-saver.ts') },
        { find: /^@coko\/react$/, replacement: here('../../packages/react/src/index.ts') },
      ],
      // The hooks' sources import React and TanStack Query from their own package: use the app's.
      dedupe: ['react', 'react-dom', '@tanstack/react-query'],
    },
    build: {
      rollupOptions: {
        // zod's sources carry `@__PURE__` comments Rollup cannot place; it drops them, harmlessly.
        onwarn(warning, warn) {
          if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
        },
      },
    },
    server: { port: 5173 },
    preview: { port: 4173 },
  };
});
