import { createServer } from 'node:net';
import type { NodeOptions } from '@sentry/node';
import type { ErrorBody } from '../../src/app/errors.ts';
import { type Config, loadConfig } from '../../src/config/index.ts';
import type { Queryable } from '../../src/db/index.ts';
import { createLogger, type Logger } from '../../src/observability/index.ts';

/** URL of a migrated test database, provided by the stack's test harness (tests needing it are skipped otherwise). */
export const TEST_DATABASE_URL = process.env.COKO_TEST_DATABASE_URL || undefined;

/** A valid test config; `overrides` are raw environment variables. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ COKO_ENV: 'test', CORS_ORIGINS: 'https://reader.example.com', ...overrides });
}

export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, unknown>[];
  raw: string[];
}

/** A logger whose JSON lines land in memory. */
export function captureLogs(level: 'debug' | 'info' = 'debug'): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger({
    level,
    sink: (line) => {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { logger, lines, raw };
}

/** A database that answers like a migrated Supabase database, or fails the way it is told to. */
export function fakeDb(
  options: { fail?: Error; migrations?: string[] | null; hang?: boolean } = {},
): Queryable & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async query(text: string, values?: unknown[]) {
      queries.push(text);
      if (options.hang) return new Promise<never>(() => {});
      if (options.fail) throw options.fail;
      const migrations = options.migrations === undefined ? ['20250101000000'] : options.migrations;
      // No pg-boss schema: no worker ever ran against this fake database.
      if (text.includes('to_regclass') && String(values?.[0]).startsWith('pgboss.'))
        return { rows: [{ present: false }] };
      if (text.includes('to_regclass')) return { rows: [{ present: migrations !== null }] };
      if (text.includes('schema_migrations')) return { rows: (migrations ?? []).map((version) => ({ version })) };
      if (text.includes('pg_extension'))
        return { rows: [{ extname: 'pgcrypto' }, { extname: 'pg_trgm' }, { extname: 'unaccent' }] };
      return { rows: [{ '?column?': 1 }] };
    },
  };
}

/** A TCP port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The `error` object of a response in the API's error format. */
export async function errorOf(res: Response): Promise<ErrorBody['error']> {
  const body = (await res.json()) as ErrorBody;
  return body.error;
}

type SentryTransport = ReturnType<NonNullable<NodeOptions['transport']>>;
export type Envelope = Parameters<SentryTransport['send']>[0];
export type SentryEvent = {
  tags?: Record<string, string>;
  exception?: { values?: { type?: string; value?: string }[] };
  contexts?: Record<string, Record<string, unknown>>;
};

/** A Sentry transport that keeps envelopes in memory instead of sending them. */
export function fakeSentryTransport(envelopes: Envelope[]): NonNullable<NodeOptions['transport']> {
  return () => ({
    send: async (envelope) => {
      envelopes.push(envelope);
      return { statusCode: 200 };
    },
    flush: async () => true,
  });
}

/** The error events in captured envelopes. */
export function eventsIn(envelopes: Envelope[]): SentryEvent[] {
  return envelopes.flatMap(([, items]) =>
    (items as unknown as [{ type: string }, SentryEvent][])
      .filter(([header]) => header.type === 'event')
      .map(([, event]) => event),
  );
}
