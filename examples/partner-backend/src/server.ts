// A partner's backend, reduced to what Coko needs: it signs in its own users (here: hard-coded demo
// users, no password) and exchanges its secret key for a short-lived Coko session for the signed-in
// user (POST /coko-token). The secret key never leaves this process; the browser only ever sees the
// user's access token and the publishable key.
//
//   POST /login        { "username": "awa" }  → { sessionToken, user }   (your own sign-in)
//   POST /coko-token   Authorization: Bearer <sessionToken> → { accessToken, expiresAt }
//   GET  /config       → { cokoUrl, publishableKey }                       (for your front end)
//   GET  /health       → { ok: true }
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CokoServer,
  ConflictError,
  createCokoServer,
  isCokoError,
  NetworkError,
  RateLimitError,
} from '@coko/sdk/server';
import type { PartnerBackendConfig } from './config.ts';

/** Your users. In a real backend: your database and your own sign-in. */
export const DEMO_USERS = {
  awa: { id: 'demo-user-awa', email: 'awa@example.com', name: 'Awa Diop', country: 'SN', language: 'fr' },
  kofi: { id: 'demo-user-kofi', email: 'kofi@example.com', name: 'Kofi Mensah', country: 'GH', language: 'en' },
} as const;

export type DemoUser = (typeof DEMO_USERS)[keyof typeof DEMO_USERS];

export interface PartnerBackend {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

const SESSION_HOURS = 12;
const COKO_TIMEOUT_MS = 5000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new HttpError(413, 'too_large', 'Body too large');
  }
  if (!body) return {};
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_json', 'Send a JSON object');
}

/**
 * Asks Coko for a session for `user` (`sessions.create` of `@coko/sdk/server`, which sends the
 * secret key, times out, retries network errors, 429 and 5xx, and throws `CokoError`s).
 * Coko creates the user on first use and updates what you send on later calls.
 */
export async function mintCokoSession(coko: CokoServer, user: DemoUser) {
  try {
    const session = await coko.sessions.create({
      externalUserId: user.id,
      email: user.email,
      name: user.name,
      country: user.country,
      language: user.language,
    });
    return { accessToken: session.accessToken, expiresAt: session.expiresAt };
  } catch (error) {
    if (!isCokoError(error)) throw error;
    if (error instanceof NetworkError)
      throw new HttpError(502, 'coko_unreachable', `Coko did not answer: ${error.message}`);
    if (error instanceof RateLimitError) {
      throw new HttpError(503, 'coko_rate_limited', 'Too many sessions; retry shortly', {
        'retry-after': String(error.retryAfter ?? 1),
      });
    }
    if (
      error instanceof ConflictError &&
      (error.details as { reason?: string } | undefined)?.reason === 'account_deleted'
    ) {
      throw new HttpError(410, 'coko_account_deleted', error.message);
    }
    // 401: the secret key is wrong, revoked or expired, or the partner is suspended. Your users cannot
    // fix that: log it for yourself and answer 502.
    console.error(`[partner-backend] Coko refused the session (${error.status} ${error.code}): ${error.message}`);
    throw new HttpError(502, 'coko_refused', 'Coko refused to open a session; see the server log');
  }
}

/** Starts the backend. `port: 0` picks a free port (tests). */
export async function startPartnerBackend(config: PartnerBackendConfig): Promise<PartnerBackend> {
  const coko = createCokoServer({ url: config.cokoUrl, secretKey: config.secretKey, timeout: COKO_TIMEOUT_MS });
  // Your session store (here: memory; in production your framework's sessions).
  const sessions = new Map<string, { user: DemoUser; expires: number }>();

  function currentUser(req: http.IncomingMessage): DemoUser {
    const token = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const session = token ? sessions.get(token) : undefined;
    if (!session || session.expires < Date.now())
      throw new HttpError(401, 'not_signed_in', 'Sign in first: POST /login');
    return session.user;
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<unknown> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const key = `${req.method} ${path}`;
    if (key === 'GET /health') return { ok: true };
    if (key === 'GET /config') return { cokoUrl: config.cokoUrl, publishableKey: config.publishableKey ?? null };
    if (key === 'POST /login') {
      const { username } = await readJson(req);
      const user = typeof username === 'string' ? DEMO_USERS[username as keyof typeof DEMO_USERS] : undefined;
      if (!user) throw new HttpError(401, 'unknown_user', `Unknown user; try ${Object.keys(DEMO_USERS).join(' or ')}`);
      const sessionToken = randomBytes(24).toString('base64url');
      sessions.set(sessionToken, { user, expires: Date.now() + SESSION_HOURS * 3600_000 });
      return { sessionToken, user };
    }
    if (key === 'POST /coko-token') {
      const user = currentUser(req);
      const session = await mintCokoSession(coko, user);
      res.setHeader('cache-control', 'no-store');
      return session;
    }
    throw new HttpError(404, 'not_found', 'Not found');
  }

  const server = http.createServer(async (req, res) => {
    // CORS for your front end (a cross-origin dev server such as Vite on :5173). Same-origin apps need none.
    const origin = req.headers.origin;
    if (origin && config.frontendOrigins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-allow-headers', 'authorization, content-type');
      res.setHeader('access-control-allow-methods', 'GET, POST');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    try {
      const body = await route(req, res);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } catch (error) {
      const failure = error instanceof HttpError ? error : new HttpError(500, 'internal', 'Internal error');
      if (!(error instanceof HttpError)) console.error('[partner-backend]', error);
      res
        .writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers })
        .end(JSON.stringify({ error: failure.code, message: failure.message }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
