// Configuration: environment variables first; for local runs, what `npm run dev` (coko dev) wrote to
// .coko/dev.json at the repository root (the demo partner's keys).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PartnerBackendConfig {
  /** Coko's URL (`https://<project>.supabase.co`, or http://127.0.0.1:54321 locally). */
  cokoUrl: string;
  /** Your secret key (sk_…): server-side only. */
  secretKey: string;
  /** Your publishable key (pk_…), handed to your front end by GET /config. Optional. */
  publishableKey?: string | undefined;
  /** Origins of your front end allowed to call this backend from a browser (CORS). */
  frontendOrigins: string[];
  port: number;
  host: string;
}

interface DevJson {
  url?: string;
  partner?: { id?: string; publishableKey?: string; secretKey?: string };
}

/** `.coko/dev.json` from the working directory or this example's repository, if any. */
function findDevJson(): { file: string; content: DevJson } | undefined {
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const file = join(dir, '.coko', 'dev.json');
      if (existsSync(file)) return { file, content: JSON.parse(readFileSync(file, 'utf8')) as DevJson };
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/**
 * `COKO_URL`, `COKO_SECRET_KEY`, `COKO_PUBLISHABLE_KEY`, `FRONTEND_ORIGINS` (comma-separated, default the
 * example reader app: http://localhost:5173,http://127.0.0.1:5173), `PORT` (default 8787), `HOST`
 * (default 127.0.0.1). Missing Coko settings are read from .coko/dev.json (`url`, `partner.*`).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): PartnerBackendConfig {
  const dev = env.COKO_URL && env.COKO_SECRET_KEY ? undefined : findDevJson();
  const cokoUrl = (env.COKO_URL || dev?.content.url || '').replace(/\/+$/, '');
  const secretKey = env.COKO_SECRET_KEY || dev?.content.partner?.secretKey || '';
  const publishableKey = env.COKO_PUBLISHABLE_KEY || dev?.content.partner?.publishableKey;
  if (!cokoUrl || !secretKey) {
    throw new Error(
      dev
        ? `${dev.file} has no demo partner: restart \`npm run dev\` (it creates one), or set COKO_URL and COKO_SECRET_KEY`
        : 'Set COKO_URL and COKO_SECRET_KEY (or run `npm run dev` at the repository root first, which writes .coko/dev.json)',
    );
  }
  if (!/^https?:\/\//.test(cokoUrl)) throw new Error(`COKO_URL must be an http(s) URL; got ${cokoUrl}`);
  if (!secretKey.startsWith('sk_')) {
    throw new Error('COKO_SECRET_KEY must be a secret key (sk_…); publishable keys (pk_…) cannot mint sessions');
  }
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid PORT: ${env.PORT}`);
  return {
    cokoUrl,
    secretKey,
    publishableKey,
    frontendOrigins: (env.FRONTEND_ORIGINS ?? 'http://localhost:5173,http://127.0.0.1:5173')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    port,
    host: env.HOST || '127.0.0.1',
  };
}
