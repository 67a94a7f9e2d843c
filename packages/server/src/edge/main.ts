// Supabase Edge Function "api": serves the same Hono app as the Node entry (../app/create-app.ts).
// Requests arrive as /api/* (the function's slug), which is the app's basePath. This file is bundled
// with everything it imports into supabase/functions/api/dist/ (see build.ts); it runs under Deno only.
import { createApp } from '../app/create-app.ts';
import { isConfigError, loadConfig } from '../config/index.ts';
import { createPool } from '../db/index.ts';
import { createLogger } from '../observability/logger.ts';
import { embeddedFonts } from './fonts.ts';

interface DenoRuntime {
  env: { toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen(address: { hostname: string; port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
  serve(handler: (request: Request) => Response | Promise<Response>): { shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', listener: () => void): void;
  exit(code: number): never;
}

export interface EdgeFunctionOptions {
  /** Migration versions the bundle was built with; `/ready` answers 503 until all are applied. */
  expectedMigrations: readonly string[];
}

/** Boots the API inside the edge runtime (config from `Deno.env`, `Deno.serve`). */
export function startEdgeFunction(options: EdgeFunctionOptions): void {
  const Deno = (globalThis as unknown as { Deno: DenoRuntime }).Deno;
  const env = Deno.env.toObject();
  const supabaseUrl = env.SUPABASE_URL?.replace(/\/+$/, '');

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      ...env,
      // On Supabase the function is production unless told otherwise (local `supabase functions serve`: set COKO_ENV).
      COKO_ENV: env.COKO_ENV ?? 'production',
      DATABASE_URL: env.DATABASE_URL ?? env.SUPABASE_DB_URL,
      COKO_PUBLIC_URL: env.COKO_PUBLIC_URL ?? supabaseUrl,
      POSTGREST_URL: env.POSTGREST_URL ?? (supabaseUrl ? `${supabaseUrl}/rest/v1` : undefined),
      // Each isolate holds its own pool: keep it small.
      DB_POOL_MAX: env.DB_POOL_MAX ?? '3',
    });
  } catch (error) {
    // Fail the boot with the message naming every bad variable (values are never printed).
    console.error(isConfigError(error) ? error.message : error);
    throw error;
  }

  const logger = createLogger({ level: config.logLevel, base: { service: 'coko-api', runtime: 'deno' } });
  const pool = createPool(config, { logger });
  const app = createApp({
    config,
    db: pool,
    logger,
    version: env.COKO_VERSION,
    expectedMigrations: options.expectedMigrations,
    notes: { fonts: embeddedFonts },
  });

  const port = env.PORT ? Number(env.PORT) : undefined;
  const server =
    port === undefined
      ? Deno.serve(app.fetch)
      : Deno.serve(
          {
            port,
            hostname: env.HOST ?? '127.0.0.1',
            onListen: ({ hostname, port }) => logger.info('api listening', { url: `http://${hostname}:${port}` }),
          },
          app.fetch,
        );

  let stopping = false;
  async function shutdown() {
    if (stopping) return;
    stopping = true;
    await server.shutdown(); // lets in-flight requests finish
    await pool.end();
  }
  try {
    Deno.addSignalListener('SIGTERM', () => void shutdown().finally(() => Deno.exit(0)));
    Deno.addSignalListener('SIGINT', () => void shutdown().finally(() => Deno.exit(0)));
  } catch {
    // Signal listeners are unavailable on some edge runtimes; they recycle isolates themselves.
  }
  globalThis.addEventListener('beforeunload', () => void shutdown());
}
