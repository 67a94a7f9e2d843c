import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, isConfigError, loadConfig } from '../../src/config/index.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/limits/policies.ts';

const SECRET = 'a-very-long-secret-value-for-tests-0123456789';
const production = {
  COKO_ENV: 'production',
  DATABASE_URL: 'postgresql://api:pa55word@db.internal:5432/coko',
  COKO_JWT_SECRET: SECRET,
  COKO_PUBLIC_URL: 'https://coko.example.com',
};

function failure(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('has defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      databaseUrl: undefined,
      logLevel: 'info',
      corsOrigins: ['*'],
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 30_000,
      host: '127.0.0.1',
      db: {
        poolMax: 10,
        connectTimeoutMs: 5_000,
        statementTimeoutMs: 30_000,
        idleTimeoutMs: 30_000,
        maxLifetimeSeconds: 3_600,
      },
    });
  });

  it('accepts a complete production environment; CORS is closed unless configured', () => {
    const config = loadConfig({ ...production, COKO_PUBLIC_URL: 'https://coko.example.com/' });
    expect(config).toMatchObject({
      env: 'production',
      host: '0.0.0.0',
      corsOrigins: [],
      publicUrl: 'https://coko.example.com',
    });
  });

  it('COKO_ENV wins over NODE_ENV; empty strings count as unset', () => {
    expect(loadConfig({ NODE_ENV: 'production', COKO_ENV: 'test', DATABASE_URL: '' }).env).toBe('test');
    expect(loadConfig({ NODE_ENV: 'test' }).env).toBe('test');
  });

  it('parses numbers and origin lists', () => {
    const config = loadConfig({
      BODY_LIMIT_BYTES: '2048',
      DB_POOL_MAX: '4',
      DB_STATEMENT_TIMEOUT_MS: '8000',
      CORS_ORIGINS: 'https://a.example.com, http://localhost:5173',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      bodyLimitBytes: 2048,
      logLevel: 'debug',
      corsOrigins: ['https://a.example.com', 'http://localhost:5173'],
      db: { poolMax: 4, statementTimeoutMs: 8000 },
    });
  });

  it('production refuses a missing DATABASE_URL', () => {
    const error = failure({ ...production, DATABASE_URL: undefined });
    expect(error.message).toBe('Invalid configuration:\n  - DATABASE_URL: required in production');
  });

  it('refuses anything but Postgres (mysql://, sqlite:) without echoing the URL', () => {
    const mysql = failure({ ...production, DATABASE_URL: 'mysql://root:hunter2@db/coko' });
    expect(mysql.message).toBe(
      'Invalid configuration:\n  - DATABASE_URL: must be a postgres:// or postgresql:// URL (got mysql://)',
    );
    expect(mysql.message).not.toContain('hunter2');
    expect(failure({ DATABASE_URL: 'sqlite:///tmp/coko.db' }).issues[0]?.variable).toBe('DATABASE_URL');
    expect(failure({ DATABASE_URL: 'not a url' }).message).toContain(
      'DATABASE_URL: must be a postgres:// or postgresql:// URL',
    );
  });

  it('names every missing or malformed variable in one message, and never a value', () => {
    const error = failure({
      COKO_ENV: 'production',
      COKO_JWT_SECRET: 'too-short-secret',
      SENTRY_DSN: 'nope',
      POSTGREST_URL: 'ftp://rest',
      LOG_LEVEL: 'loud',
      CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
      BODY_LIMIT_BYTES: '1MB',
      REQUEST_TIMEOUT_MS: '0',
      DB_POOL_MAX: '-3',
      DB_CONNECT_TIMEOUT_MS: 'soon',
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'DATABASE_URL',
      'POSTGREST_URL',
      'COKO_JWT_SECRET',
      'COKO_PUBLIC_URL',
      'SENTRY_DSN',
      'LOG_LEVEL',
      'CORS_ORIGINS',
      'BODY_LIMIT_BYTES',
      'REQUEST_TIMEOUT_MS',
      'DB_POOL_MAX',
      'DB_CONNECT_TIMEOUT_MS',
    ]);
    expect(error.message).toMatch(/^Invalid configuration:\n {2}- DATABASE_URL: required in production\n/);
    expect(error.message).toContain('  - COKO_JWT_SECRET: must be at least 32 characters');
    expect(error.message).toContain('  - SENTRY_DSN: must be an http(s) URL');
    expect(error.message).toContain('  - REQUEST_TIMEOUT_MS: must be between 1 and 900000');
    expect(error.message).not.toContain('too-short-secret');
    expect(error.message.split('\n')).toHaveLength(12);
  });

  it('RATE_LIMITS: the seed limits by default, overrides with windows, off, and a named error otherwise', () => {
    expect(loadConfig({}).rateLimits.policies).toEqual(DEFAULT_RATE_LIMITS);
    const tuned = loadConfig({ RATE_LIMITS: 'anonymous=300/30m, downloads_concurrent=5', SESSIONS_RATE_LIMIT: '7' });
    expect(tuned.rateLimits.policies).toMatchObject({
      anonymous: { name: 'anonymous', limit: 300, windowMs: 1_800_000 },
      downloadsConcurrent: { limit: 5 },
      authenticated: DEFAULT_RATE_LIMITS.authenticated,
      sessions: { limit: 7, windowMs: 60_000 },
    });
    expect(loadConfig({ RATE_LIMITS: 'off' }).rateLimits.policies).toBe(false);
    for (const bad of ['everything=5', 'anonymous=0', 'anonymous=5/1d', 'downloads_concurrent=2/1h', 'anonymous']) {
      expect(failure({ RATE_LIMITS: bad }).issues.map((issue) => issue.variable)).toEqual(['RATE_LIMITS']);
    }
  });

  it('payments: sandbox on outside production, providers without credentials unset, dev API URLs', () => {
    expect(loadConfig({}).payments).toMatchObject({
      sandbox: { enabled: true },
      wave: { apiKey: undefined, webhookSecret: undefined },
      orangeMoney: { apiUrl: 'https://api.orange.com/orange-money-webpay/dev/v1' },
      stripe: { secretKey: undefined },
      paypal: { apiUrl: 'https://api-m.sandbox.paypal.com' },
    });
    expect(loadConfig(production).payments).toMatchObject({
      sandbox: { enabled: false },
      orangeMoney: { apiUrl: undefined },
      paypal: { apiUrl: 'https://api-m.paypal.com' },
    });
    expect(loadConfig({ PAYMENTS_SANDBOX: 'OFF' }).payments.sandbox.enabled).toBe(false);
    expect(loadConfig({ ...production, PAYMENTS_SANDBOX: 'true' }).payments.sandbox.enabled).toBe(true);
  });

  it('payments: the sandbox secret is SANDBOX_WEBHOOK_SECRET, else derived from the JWT secret (never equal to it)', () => {
    const derived = loadConfig({ COKO_JWT_SECRET: SECRET }).payments.sandbox.webhookSecret;
    expect(derived).toBe(loadConfig({ COKO_JWT_SECRET: SECRET }).payments.sandbox.webhookSecret);
    expect(derived).not.toBe(SECRET);
    expect(derived).not.toBe(loadConfig({ COKO_JWT_SECRET: `${SECRET}-other` }).payments.sandbox.webhookSecret);
    const explicit = 'sandbox-webhook-secret-0123456789abcdef';
    expect(loadConfig({ SANDBOX_WEBHOOK_SECRET: explicit }).payments.sandbox.webhookSecret).toBe(explicit);
  });

  it('payments: malformed values are named without echoing them', () => {
    const error = failure({
      PAYMENTS_SANDBOX: 'maybe',
      SANDBOX_WEBHOOK_SECRET: 'short',
      STRIPE_SECRET_KEY: 'pk_live_published-by-mistake',
      STRIPE_WEBHOOK_SECRET: 'sk_live_swapped',
      ORANGE_MONEY_API_URL: 'api.orange.com',
      PAYPAL_API_URL: 'ftp://paypal',
    });
    expect(error.issues).toEqual([
      { variable: 'PAYMENTS_SANDBOX', message: 'must be on or off' },
      { variable: 'SANDBOX_WEBHOOK_SECRET', message: 'must be at least 32 characters' },
      { variable: 'ORANGE_MONEY_API_URL', message: 'must be an http(s) URL' },
      { variable: 'STRIPE_SECRET_KEY', message: 'must start with sk_ or rk_' },
      { variable: 'STRIPE_WEBHOOK_SECRET', message: 'must start with whsec_' },
      { variable: 'PAYPAL_API_URL', message: 'must be an http(s) URL' },
    ]);
    expect(error.message).not.toContain('published-by-mistake');
    expect(error.message).not.toContain('sk_live_swapped');
  });

  it('rejects an unknown environment name', () => {
    expect(failure({ NODE_ENV: 'staging' }).message).toContain(
      'NODE_ENV: must be one of development, test, production',
    );
    expect(failure({ COKO_ENV: 'prod' }).issues).toEqual([
      { variable: 'COKO_ENV', message: 'must be one of development, test, production' },
    ]);
  });
});

describe('node entry', () => {
  it('prints the configuration error and exits with code 1', () => {
    const entry = fileURLToPath(new URL('../../src/app/node.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const result = spawnSync(tsx, [entry], {
      env: {
        PATH: process.env.PATH,
        COKO_ENV: 'production',
        DATABASE_URL: 'mysql://root:hunter2@db/coko',
        COKO_JWT_SECRET: 'short',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration:');
    expect(result.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL (got mysql://)');
    expect(result.stderr).toContain('COKO_JWT_SECRET: must be at least 32 characters');
    expect(result.stderr).toContain('COKO_PUBLIC_URL: required in production');
    expect(result.stderr).not.toContain('hunter2');
  });
});
