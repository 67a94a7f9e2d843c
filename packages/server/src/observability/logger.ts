import type { LogLevel } from '../config/schema.ts';

export type { LogLevel };
export type LogFields = Record<string, unknown>;
/** Receives one finished JSON line. The default writes debug/info to stdout and warn/error to stderr. */
export type LogSink = (line: string, level: Exclude<LogLevel, 'silent'>) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lines below this level are dropped (default `info`). */
  level?: LogLevel;
  sink?: LogSink;
  /** Fields on every line, e.g. `{ service: 'coko-api' }`. */
  base?: LogFields;
  /** Clock for the `time` field (default `Date.now`). */
  now?: () => number;
}

const RANK = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** Keys whose values never reach a log line, whatever the caller passes. */
const SECRET_KEY =
  /^(authorization|apikey|api_key|cookie|set-cookie|password|secret|token|access_token|refresh_token|jwt)$/i;

const defaultSink: LogSink = (line, level) => {
  if (level === 'warn' || level === 'error') console.error(line);
  else console.log(line);
};

/** Turns an Error into plain fields (name, message, stack, code, cause). */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const out: LogFields = { name: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

function prepare(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
    else out[key] = value instanceof Error ? serializeError(value) : value;
  }
  return out;
}

/**
 * Structured JSON-lines logger: `{"time":"…","level":"info","msg":"…",…fields}` per line.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info', base: { service: 'coko-api' } })
 * logger.warn('slow request', { requestId, durationMs: 1520 })
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const defaults: Required<LoggerOptions> = { level: 'info', sink: defaultSink, base: {}, now: Date.now };
  const { level, sink, base, now } = { ...defaults, ...options };
  const threshold = RANK[level];
  const write = (lineLevel: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[lineLevel] < threshold) return;
    const record = { time: new Date(now()).toISOString(), level: lineLevel, msg, ...prepare({ ...base, ...fields }) };
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time: record.time, level: lineLevel, msg, logError: 'fields not serializable' });
    }
    sink(line, lineLevel);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ level, sink, now, base: { ...base, ...fields } }),
  };
}

/** A logger that writes nothing. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
