import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, type CokoError, createCoko, isCokoError, RateLimitError, ValidationError } from '../src';
import { type CokoAuth, createCokoAuth, type SupportedStorage } from '../src/auth';
import { KEY, URL_BASE } from './helpers';
import { mockSupabaseAuth } from './supabase-auth-mock';

// Supabase Auth is not run locally (ARCHITECTURE §4): these tests drive @coko/sdk/auth through
// the real @supabase/supabase-js auth client against its documented HTTP API, mocked with msw.

const auth$ = mockSupabaseAuth(URL_BASE);

/** PostgREST behind the same origin: records the bearer tokens, rejects those listed in `rejected`. */
const rest = { authorizations: [] as string[], rejected: new Set<string>() };
const restHandlers = [
  http.get(`${URL_BASE}/rest/v1/books`, ({ request }) => {
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    rest.authorizations.push(token);
    if (rest.rejected.has(token)) {
      return HttpResponse.json(
        { code: 'PGRST303', message: 'JWT expired', details: null, hint: null },
        {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="JWT expired"' },
        },
      );
    }
    return HttpResponse.json([], { headers: { 'content-range': '*/0' } });
  }),
];

const server = setupServer(...auth$.handlers, ...restHandlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

function memoryStorage(): SupportedStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value);
    },
    removeItem: (key) => {
      items.delete(key);
    },
  };
}

const clients: CokoAuth[] = [];
function newAuth(storage = memoryStorage()) {
  const auth = createCokoAuth({ url: URL_BASE, publishableKey: KEY, storage });
  clients.push(auth);
  return { auth, storage };
}

const PHONE = '+221771234567';
const requestsTo = (path: string) => auth$.requests.filter((r) => r.path === path);

beforeEach(() => {
  auth$.requests.length = 0;
  auth$.autoconfirm = true;
  auth$.expiresIn = 3600;
  rest.authorizations.length = 0;
  rest.rejected.clear();
});
afterEach(async () => {
  vi.useRealTimers();
  for (const auth of clients.splice(0)) await auth.client.stopAutoRefresh();
});

async function caught(promise: Promise<unknown>): Promise<CokoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCokoError(error)).toBe(true);
  return error as CokoError;
}

describe('createCokoAuth', () => {
  it('validates its options and fetches nothing up front', () => {
    expect(() => createCokoAuth({ url: 'nope', publishableKey: KEY })).toThrow(ValidationError);
    expect(() => createCokoAuth({ url: URL_BASE, publishableKey: '' })).toThrow(ValidationError);
    newAuth();
    expect(auth$.requests).toHaveLength(0);
  });
});

describe('sign-up', () => {
  it('creates the account and signs in (autoconfirm), sending the publishable key', async () => {
    const { auth, storage } = newAuth();
    const { user, session } = await auth.signUp({ email: 'awa@example.sn', password: 'correct horse 9' });
    expect(user?.email).toBe('awa@example.sn');
    expect(session?.access_token).toBeTruthy();
    expect(session?.refresh_token).toBeTruthy();
    const [request] = requestsTo('/signup');
    expect(request?.body).toMatchObject({ email: 'awa@example.sn', password: 'correct horse 9' });
    expect(request?.headers.get('apikey')).toBe(KEY);
    expect(request?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(await auth.getSession()).toMatchObject({ access_token: session?.access_token });
    // Persisted under supabase-js's key, so a supabase-js client on the same project shares it.
    expect([...storage.items.keys()]).toEqual(['sb-coko-auth-token']);
  });

  it('returns session: null when the project requires a confirmation', async () => {
    auth$.autoconfirm = false;
    const { auth } = newAuth();
    const { user, session } = await auth.signUp({ email: 'moussa@example.sn', password: 'secret-123' });
    expect(user?.email).toBe('moussa@example.sn');
    expect(session).toBeNull();
    expect(await auth.accessToken()).toBeNull();
  });

  it('rejects a bad email or a short password before any request', async () => {
    const { auth } = newAuth();
    const bad = await caught(auth.signUp({ email: 'not-an-email', password: 'secret-123' }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad.details).toMatchObject({ field: 'email' });
    const short = await caught(auth.signUp({ email: 'a@example.sn', password: '123' }));
    expect(short).toBeInstanceOf(ValidationError);
    expect(short.details).toMatchObject({ field: 'password', message: 'password must be at least 6 characters' });
    expect(auth$.requests).toHaveLength(0);
  });

  it('an existing account is a CONFLICT; a weak password (server rule) a ValidationError', async () => {
    auth$.addUser('taken@example.sn', 'secret-123');
    const { auth } = newAuth();
    const conflict = await caught(auth.signUp({ email: 'taken@example.sn', password: 'secret-123' }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.details).toMatchObject({ authCode: 'user_already_exists' });
    const weak = await caught(auth.signUp({ email: 'new@example.sn', password: 'no-digits-here' }));
    expect(weak).toBeInstanceOf(ValidationError);
    expect(weak).toMatchObject({
      status: 422,
      details: { field: 'password', authCode: 'weak_password', reasons: ['characters'] },
    });
  });
});

describe('password sign-in', () => {
  it('signs in and hands out the access token', async () => {
    auth$.addUser('fatou@example.sn', 'secret-123');
    const { auth } = newAuth();
    const { user, session } = await auth.signInWithPassword({ email: 'fatou@example.sn', password: 'secret-123' });
    expect(user?.email).toBe('fatou@example.sn');
    const [request] = requestsTo('/token');
    expect(request?.grantType).toBe('password');
    expect(request?.body).toMatchObject({ email: 'fatou@example.sn', password: 'secret-123' });
    expect(await auth.accessToken()).toBe(session.access_token);
  });

  it('a wrong password is an AuthenticationError (and the password is not in it)', async () => {
    auth$.addUser('ibou@example.sn', 'secret-123');
    const { auth } = newAuth();
    const error = await caught(auth.signInWithPassword({ email: 'ibou@example.sn', password: 'wrong-pass' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'AUTHENTICATION_ERROR', status: 400, message: 'Invalid login credentials' });
    expect(error.details).toEqual({ authCode: 'invalid_credentials' });
    expect(JSON.stringify(error)).not.toContain('wrong-pass');
    expect(await auth.getSession()).toBeNull();
  });
});

describe('phone OTP (SMS)', () => {
  it('sends the code to the normalised number, then verifies it', async () => {
    const { auth } = newAuth();
    await auth.signInWithOtp({ phone: '+221 77 123 45 67' });
    const [otp] = requestsTo('/otp');
    expect(otp?.body).toMatchObject({ phone: PHONE, channel: 'sms', create_user: true });

    const { user, session } = await auth.verifyOtp({ phone: '+221 77-123-45-67', token: '123 456' });
    const [verify] = requestsTo('/verify');
    expect(verify?.body).toMatchObject({ phone: PHONE, token: '123456', type: 'sms' });
    expect(user?.phone).toBe('221771234567');
    expect(await auth.accessToken()).toBe(session.access_token);
  });

  it('a wrong or expired code is an AuthenticationError', async () => {
    const { auth } = newAuth();
    await auth.signInWithOtp({ phone: '+221770000001' });
    const error = await caught(auth.verifyOtp({ phone: '+221770000001', token: '000000' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 403, code: 'AUTHENTICATION_ERROR', details: { authCode: 'otp_expired' } });
  });

  it('a number without country code, or a malformed code, is a ValidationError before any request', async () => {
    const { auth } = newAuth();
    const phone = await caught(auth.signInWithOtp({ phone: '77 123 45 67' }));
    expect(phone).toBeInstanceOf(ValidationError);
    expect(phone.details).toMatchObject({ field: 'phone' });
    const code = await caught(auth.verifyOtp({ phone: PHONE, token: 'abc' }));
    expect(code).toBeInstanceOf(ValidationError);
    expect(code.details).toMatchObject({ field: 'token' });
    expect(auth$.requests).toHaveLength(0);
  });

  it('asking for a second SMS too soon is a RateLimitError', async () => {
    const { auth } = newAuth();
    await auth.signInWithOtp({ phone: '+221770000002' });
    const error = await caught(auth.signInWithOtp({ phone: '+221770000002' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      details: { authCode: 'over_sms_send_rate_limit' },
    });
  });
});

describe('sign-out and session events', () => {
  it('reports INITIAL_SESSION, SIGNED_IN, SIGNED_OUT; signOut revokes on the server', async () => {
    auth$.addUser('khady@example.sn', 'secret-123');
    const { auth, storage } = newAuth();
    const events: [string, string | null][] = [];
    const unsubscribe = auth.onSessionChange((event, session) => events.push([event, session?.user.email ?? null]));
    await vi.waitFor(() => expect(events).toEqual([['INITIAL_SESSION', null]]));

    const { session } = await auth.signInWithPassword({ email: 'khady@example.sn', password: 'secret-123' });
    await auth.signOut();
    const [logout] = requestsTo('/logout');
    expect(logout?.headers.get('authorization')).toBe(`Bearer ${session.access_token}`);
    expect(logout?.scope).toBe('global');
    expect(await auth.getSession()).toBeNull();
    expect(await auth.accessToken()).toBeNull();
    expect(storage.items.size).toBe(0);
    await vi.waitFor(() =>
      expect(events).toEqual([
        ['INITIAL_SESSION', null],
        ['SIGNED_IN', 'khady@example.sn'],
        ['SIGNED_OUT', null],
      ]),
    );

    unsubscribe();
    await auth.signInWithPassword({ email: 'khady@example.sn', password: 'secret-123' });
    expect(events).toHaveLength(3);
  });

  it('refreshes an expiring session with the refresh token (TOKEN_REFRESHED)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    auth$.addUser('omar@example.sn', 'secret-123');
    const { auth } = newAuth();
    const events: string[] = [];
    auth.onSessionChange((event) => events.push(event));
    const { session } = await auth.signInWithPassword({ email: 'omar@example.sn', password: 'secret-123' });
    vi.setSystemTime(Date.now() + 3600_000);
    const token = await auth.accessToken();
    expect(token).not.toBe(session.access_token);
    const [refresh] = requestsTo('/token').filter((r) => r.grantType === 'refresh_token');
    expect(refresh?.body).toEqual({ refresh_token: session.refresh_token });
    await vi.waitFor(() => expect(events).toContain('TOKEN_REFRESHED'));
  });
});

describe('accessToken() into createCoko', () => {
  it('catalog calls carry the Supabase access token as Bearer, and follow sign-in and sign-out', async () => {
    auth$.addUser('aminata@example.sn', 'secret-123');
    const { auth } = newAuth();
    const coko = createCoko({ url: URL_BASE, publishableKey: KEY, accessToken: auth.accessToken, retries: 0 });

    await coko.catalog.list();
    const { session } = await auth.signInWithPassword({ email: 'aminata@example.sn', password: 'secret-123' });
    await coko.catalog.list();
    await coko.catalog.list();
    await auth.signOut();
    await coko.catalog.list();

    expect(rest.authorizations).toEqual([KEY, session.access_token, session.access_token, KEY]);
  });

  it('a 401 from PostgREST makes the auth client refresh the session, and the call is re-sent once', async () => {
    auth$.addUser('cheikh@example.sn', 'secret-123');
    const { auth } = newAuth();
    const coko = createCoko({ url: URL_BASE, publishableKey: KEY, accessToken: auth.accessToken, retries: 0 });
    const { session } = await auth.signInWithPassword({ email: 'cheikh@example.sn', password: 'secret-123' });
    rest.rejected.add(session.access_token); // e.g. revoked server-side while still unexpired locally

    await expect(coko.catalog.list()).resolves.toMatchObject({ total: 0 });
    const fresh = (await auth.getSession())?.access_token;
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(session.access_token);
    expect(rest.authorizations).toEqual([session.access_token, fresh]);
    expect(requestsTo('/token').map((r) => r.grantType)).toEqual(['password', 'refresh_token']);
  });
});
