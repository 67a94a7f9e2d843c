import { randomUUID } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { fakeJwt } from './helpers';

/**
 * An in-memory Supabase Auth (GoTrue) speaking its documented HTTP API (supabase/auth
 * openapi.yaml): the endpoints `@supabase/auth-js` calls for sign-up, password and phone-OTP
 * sign-in, refresh and logout, with the same success bodies (`AccessTokenResponseSchema`) and
 * error bodies — `{ code, message }` when the client sends `X-Supabase-Api-Version: 2024-01-01`
 * (auth-js does), the older `{ code: <status>, error_code, msg }` otherwise.
 */
export interface MockUser {
  id: string;
  email?: string;
  phone?: string;
  password?: string;
}

export interface RecordedAuthRequest {
  path: string;
  grantType: string | null;
  scope: string | null;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface MockAuthOptions {
  /** Sign-ups get a session at once (`mailer_autoconfirm`); otherwise only the user is returned. */
  autoconfirm?: boolean;
  /** Lifetime of access tokens, in seconds. Default 3600 (Supabase's default `jwt_expiry`). */
  expiresIn?: number;
  /** The SMS code every OTP request "sends". */
  smsCode?: string;
}

const API_VERSION = 'x-supabase-api-version';

export function mockSupabaseAuth(base: string, options: MockAuthOptions = {}) {
  const users = new Map<string, MockUser>(); // by email or phone
  const refreshTokens = new Map<string, { userId: string; sessionId: string; revoked: boolean }>();
  const accessTokens = new Set<string>();
  const lastSms = new Map<string, number>();
  const requests: RecordedAuthRequest[] = [];
  const smsCode = options.smsCode ?? '123456';
  let autoconfirm = options.autoconfirm ?? true;
  let expiresIn = options.expiresIn ?? 3600;

  const userJson = (user: MockUser) => ({
    id: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email ?? '',
    phone: user.phone?.replace(/^\+/, '') ?? '',
    email_confirmed_at: user.email && autoconfirm ? new Date().toISOString() : undefined,
    phone_confirmed_at: user.phone ? new Date().toISOString() : undefined,
    confirmed_at: new Date().toISOString(),
    last_sign_in_at: new Date().toISOString(),
    app_metadata: { provider: user.phone ? 'phone' : 'email', providers: [user.phone ? 'phone' : 'email'] },
    user_metadata: {},
    identities: [],
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    is_anonymous: false,
  });

  const issue = (user: MockUser, sessionId: string = randomUUID()) => {
    const now = Math.floor(Date.now() / 1000);
    const access_token = fakeJwt({
      sub: user.id,
      iat: now,
      exp: now + expiresIn,
      email: user.email ?? '',
      phone: user.phone ?? '',
      session_id: sessionId,
      aal: 'aal1',
      amr: [{ method: user.phone ? 'otp' : 'password', timestamp: now }],
      is_anonymous: false,
      jti: randomUUID(),
    });
    const refresh_token = randomUUID().replace(/-/g, '').slice(0, 12);
    refreshTokens.set(refresh_token, { userId: user.id, sessionId, revoked: false });
    accessTokens.add(access_token);
    return {
      access_token,
      token_type: 'bearer',
      expires_in: expiresIn,
      expires_at: now + expiresIn,
      refresh_token,
      user: userJson(user),
    };
  };

  const error = (
    request: Request,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) => {
    const versioned = request.headers.get(API_VERSION) === '2024-01-01';
    return HttpResponse.json(versioned ? { code, message } : { code: status, error_code: code, msg: message }, {
      status,
      headers: versioned ? { [API_VERSION]: '2024-01-01', ...headers } : headers,
    });
  };

  const record = async (request: Request) => {
    const url = new URL(request.url);
    const text = await request.text();
    const entry: RecordedAuthRequest = {
      path: url.pathname.replace(/^.*\/auth\/v1/, ''),
      grantType: url.searchParams.get('grant_type'),
      scope: url.searchParams.get('scope'),
      headers: request.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
    requests.push(entry);
    return entry;
  };

  const byId = (id: string) => [...users.values()].find((u) => u.id === id);

  const handlers = [
    http.post(`${base}/auth/v1/signup`, async ({ request }) => {
      const { body } = await record(request);
      const email = String(body.email ?? '');
      if (!email.includes('@'))
        return error(request, 400, 'validation_failed', 'Unable to validate email address: invalid format');
      // A project rule stricter than Supabase's minimum: passwords need a digit.
      if (!/\d/.test(String(body.password ?? ''))) {
        return HttpResponse.json(
          {
            code: 'weak_password',
            message: 'Password should contain at least one character of each: 0123456789.',
            weak_password: { reasons: ['characters'] },
          },
          { status: 422, headers: { [API_VERSION]: '2024-01-01' } },
        );
      }
      if (users.has(email)) return error(request, 422, 'user_already_exists', 'User already registered');
      const user: MockUser = { id: randomUUID(), email, password: String(body.password) };
      users.set(email, user);
      return HttpResponse.json(autoconfirm ? issue(user) : userJson(user));
    }),

    http.post(`${base}/auth/v1/token`, async ({ request }) => {
      const { body, grantType } = await record(request);
      if (grantType === 'password') {
        const user = users.get(String(body.email ?? body.phone ?? ''));
        if (!user || user.password !== body.password) {
          return error(request, 400, 'invalid_credentials', 'Invalid login credentials');
        }
        return HttpResponse.json(issue(user));
      }
      if (grantType === 'refresh_token') {
        const entry = refreshTokens.get(String(body.refresh_token ?? ''));
        const user = entry && byId(entry.userId);
        if (!entry || entry.revoked || !user) {
          return error(request, 400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
        }
        entry.revoked = true; // rotation
        return HttpResponse.json(issue(user, entry.sessionId));
      }
      return error(request, 400, 'validation_failed', 'unsupported_grant_type');
    }),

    http.post(`${base}/auth/v1/otp`, async ({ request }) => {
      const { body } = await record(request);
      const phone = String(body.phone ?? '');
      if (!/^\+?[1-9]\d{6,14}$/.test(phone)) {
        return error(request, 400, 'validation_failed', 'Invalid phone number format (E.164 required)');
      }
      const last = lastSms.get(phone);
      if (last !== undefined && Date.now() - last < 60_000) {
        const wait = Math.ceil((60_000 - (Date.now() - last)) / 1000);
        return error(
          request,
          429,
          'over_sms_send_rate_limit',
          `For security purposes, you can only request this after ${wait} seconds.`,
        );
      }
      lastSms.set(phone, Date.now());
      if (!users.has(phone) && body.create_user !== false) users.set(phone, { id: randomUUID(), phone });
      return HttpResponse.json({ message_id: `SM${randomUUID().replace(/-/g, '')}` });
    }),

    http.post(`${base}/auth/v1/verify`, async ({ request }) => {
      const { body } = await record(request);
      const user = users.get(String(body.phone ?? ''));
      if (body.type !== 'sms' || !user || body.token !== smsCode) {
        return error(request, 403, 'otp_expired', 'Token has expired or is invalid');
      }
      return HttpResponse.json(issue(user));
    }),

    http.post(`${base}/auth/v1/logout`, async ({ request }) => {
      await record(request);
      const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      if (!accessTokens.has(token))
        return error(request, 401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature');
      accessTokens.delete(token);
      for (const entry of refreshTokens.values()) entry.revoked = true;
      return new HttpResponse(null, { status: 204 });
    }),
  ];

  return {
    handlers,
    requests,
    users,
    set autoconfirm(value: boolean) {
      autoconfirm = value;
    },
    set expiresIn(value: number) {
      expiresIn = value;
    },
    /** Adds a confirmed email + password user. */
    addUser(email: string, password: string): MockUser {
      const user = { id: randomUUID(), email, password };
      users.set(email, user);
      return user;
    },
    /** Makes the server forget an access token (e.g. revoked), so PostgREST-like checks can reject it. */
    isValid: (token: string) => accessTokens.has(token),
  };
}
