// A progress save as a partner app sends it — the partner's pk_ key, a session minted by POST /v1/sessions (the
// compact claim set), `Prefer: resolution=merge-duplicates` — checked on the wire (node:http, so framing
// headers are visible): what the gateway answers, and that the compact token still drives RLS, the
// pre-request's revocation and suspension checks, and the gateway's partner binding.
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { setPartnerStatus } from '../../src/identity/index.ts';
import { admin, db, decodeJwt, externalId, newPartner, rest, session, stack } from './helpers.ts';

const ORIGIN = 'https://lire.partenaire.example';

/** One raw HTTP/1.1 exchange through the gateway: status, headers as sent, body. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${stack.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

async function publishedBook(): Promise<string> {
  const id = randomUUID();
  await admin.query(
    `insert into public.books (id, title, language, status, format, published_at) values ($1, 'Une si longue lettre', 'fr', 'published', 'epub', now())`,
    [id],
  );
  return id;
}

function saveProgress(
  key: string,
  token: string,
  bookId: string,
  at: string,
  extra: Record<string, string> = {},
): ReturnType<typeof raw> {
  const body = JSON.stringify({
    book_id: bookId,
    locator: {
      href: 'c1.xhtml',
      type: 'application/xhtml+xml',
      locations: { progression: 0.5, totalProgression: 0.1 },
    },
    device_id: 'phone-1',
    device_updated_at: at,
  });
  return raw(
    'POST',
    '/rest/v1/reading_progress',
    {
      apikey: key,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      prefer: 'resolution=merge-duplicates',
      'content-length': String(Buffer.byteLength(body)),
      ...extra,
    },
    body,
  );
}

describe('a progress save on the wire', () => {
  it('from an app (no Origin): no CORS headers, an empty answer with content-length 0, not chunked', async () => {
    const partner = await newPartner({ allowedOrigins: [ORIGIN] });
    const reader = await session(partner.secretKey, { externalUserId: externalId(), email: 'awa@example.com' });
    const book = await publishedBook();

    const saved = await saveProgress(partner.publishableKey, reader.accessToken, book, '2026-12-07T10:00:00.000Z');
    expect(saved.status).toBe(201);
    expect(saved.body).toBe('');
    expect(saved.headers['content-length']).toBe('0');
    expect(saved.headers['transfer-encoding']).toBeUndefined();
    expect(saved.headers['access-control-allow-origin']).toBeUndefined();
    expect(saved.headers['access-control-expose-headers']).toBeUndefined();
    // No `return=minimal` asked, none needed: PostgREST's default is no body. What is left is what a
    // client reads: the length, the date, the connection's, and the request id (22 characters).
    expect(Object.keys(saved.headers).sort()).toEqual([
      'connection',
      'content-length',
      'date',
      'keep-alive',
      'x-request-id',
    ]);
    expect(saved.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const again = await saveProgress(partner.publishableKey, reader.accessToken, book, '2026-12-07T10:00:30.000Z');
    expect([200, 201]).toContain(again.status);
    expect(again.headers['content-length']).toBe('0');
    const stored = await admin.query('select device_updated_at from public.reading_progress where book_id = $1', [
      book,
    ]);
    expect(stored.rows.map((r) => (r.device_updated_at as Date).toISOString())).toEqual(['2026-12-07T10:00:30.000Z']);
  });

  it('from a browser (Origin): the CORS headers, exposing only what the answer carries', async () => {
    const partner = await newPartner({ allowedOrigins: [ORIGIN] });
    const reader = await session(partner.secretKey, { externalUserId: externalId() });
    const book = await publishedBook();
    const saved = await saveProgress(partner.publishableKey, reader.accessToken, book, '2026-12-07T10:00:00.000Z', {
      origin: ORIGIN,
    });
    expect(saved.status).toBe(201);
    expect(saved.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(saved.headers['access-control-expose-headers']).split(',');
    // The write's answer carries its request id and the rate limit's headers, nothing else to expose.
    expect(exposed).toContain('x-request-id');
    for (const name of exposed) expect(saved.headers[name], name).toBeDefined();
    expect(new Set(exposed).size).toBe(exposed.length);
    // Trimmed the same way as an app's answer.
    for (const name of ['content-type', 'server', 'content-range', 'preference-applied']) {
      expect(saved.headers[name], name).toBeUndefined();
    }
  });

  it('keeps content-range and preference-applied when the client asked for a count or a representation', async () => {
    const partner = await newPartner();
    const reader = await session(partner.secretKey, { externalUserId: externalId() });
    const book = await publishedBook();
    const counted = await saveProgress(partner.publishableKey, reader.accessToken, book, '2026-12-07T10:00:00.000Z', {
      prefer: 'resolution=merge-duplicates,count=exact',
    });
    expect(counted.status).toBe(201);
    expect(counted.headers['content-range']).toBe('*/1');
    expect(counted.headers['preference-applied']).toContain('count=exact');
    const echoed = await saveProgress(partner.publishableKey, reader.accessToken, book, '2026-12-07T10:00:01.000Z', {
      prefer: 'resolution=merge-duplicates,return=representation',
    });
    expect(echoed.status).toBe(200);
    expect(echoed.headers['content-type']).toMatch(/^application\/json/);
    expect(echoed.headers['preference-applied']).toContain('return=representation');
    expect(JSON.parse(echoed.body)).toEqual([expect.objectContaining({ book_id: book, device_id: 'phone-1' })]);
  });

  it('supabase-js reads the count of an upsert that asked for one (content-range kept for it)', async () => {
    const partner = await newPartner();
    const reader = await session(partner.secretKey, { externalUserId: externalId() });
    const book = await publishedBook();
    const client = createClient(stack.url, partner.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { authorization: `Bearer ${reader.accessToken}` } },
    });
    const row = {
      book_id: book,
      locator: {
        href: 'c1.xhtml',
        type: 'application/xhtml+xml',
        locations: { progression: 0.2, totalProgression: 0.05 },
      },
      device_id: 'tablet',
      device_updated_at: '2026-12-07T11:00:00.000Z',
    };
    const { error, count, status } = await client.from('reading_progress').upsert(row, { count: 'exact' });
    expect(error).toBeNull();
    expect(status).toBe(201);
    expect(count).toBe(1);
    const plain = await client
      .from('reading_progress')
      .upsert({ ...row, device_updated_at: '2026-12-07T11:00:01.000Z' });
    expect(plain.error).toBeNull();
    expect(plain.count).toBeNull();
  });

  it("drops PostgREST's server header on reads, and sends a 304 without a content-type", async () => {
    const first = await raw('GET', '/rest/v1/books?select=id&limit=1', { apikey: stack.publishableKey });
    expect(first.status).toBe(200);
    expect(first.headers.server).toBeUndefined();
    expect(first.headers['content-range']).toBeDefined();
    const etag = String(first.headers.etag);
    const again = await raw('GET', '/rest/v1/books?select=id&limit=1', {
      apikey: stack.publishableKey,
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.headers['content-type']).toBeUndefined();
    expect(again.headers.etag).toBe(etag);
  });

  it('reads keep their CORS headers without an Origin (a CDN may serve one cached answer to apps and browsers)', async () => {
    const response = await rest('/books?select=id&limit=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('the compact session token on Coko paths', () => {
  it('RLS by sub, the partner binding of the pk_ key, and the pre-request checks (revocation, suspension)', async () => {
    const [a, b] = [await newPartner(), await newPartner()];
    const reader = await session(a.secretKey, { externalUserId: externalId() });
    const other = await session(a.secretKey, { externalUserId: externalId() });
    expect(Object.keys(decodeJwt(reader.accessToken).payload).sort()).toEqual([
      'app_metadata',
      'aud',
      'exp',
      'iat',
      'role',
      'sub',
    ]);
    const book = await publishedBook();
    expect((await saveProgress(a.publishableKey, reader.accessToken, book, '2026-12-07T10:00:00.000Z')).status).toBe(
      201,
    );

    // RLS: the reader sees their row, another reader of the same partner does not.
    const own = await rest(`/reading_progress?select=book_id&book_id=eq.${book}`, {
      apikey: a.publishableKey,
      token: reader.accessToken,
    });
    expect(await own.json()).toEqual([{ book_id: book }]);
    const theirs = await rest(`/reading_progress?select=book_id&book_id=eq.${book}`, {
      apikey: a.publishableKey,
      token: other.accessToken,
    });
    expect(await theirs.json()).toEqual([]);

    // Partner binding: partner B's key with partner A's session is refused at the gateway.
    const crossed = await saveProgress(b.publishableKey, reader.accessToken, book, '2026-12-07T10:01:00.000Z');
    expect(crossed.status).toBe(403);

    // Pre-request: tokens issued before a revocation are refused (iat is still in the token)…
    await db.query(
      `insert into private.account_states (user_id, sessions_revoked_at) values ($1, now() + interval '1 second')
       on conflict (user_id) do update set sessions_revoked_at = excluded.sessions_revoked_at`,
      [other.user.id],
    );
    const revoked = await rest('/reading_progress?select=book_id', {
      apikey: a.publishableKey,
      token: other.accessToken,
    });
    expect(revoked.status).toBe(401);

    // …and so are tokens of a suspended partner (app_metadata.partner_id is still in the token).
    await setPartnerStatus(db, a.id, 'suspended');
    const suspended = await rest('/reading_progress?select=book_id', { token: reader.accessToken });
    expect(suspended.status).toBe(401);
  });
});

describe('write answers with a body', () => {
  it('are forwarded whole (return=representation), streamed after the first chunk', async () => {
    const partner = await newPartner();
    const reader = await session(partner.secretKey, { externalUserId: externalId(), name: 'Awa' });
    const patched = await raw(
      'PATCH',
      `/rest/v1/profiles?id=eq.${reader.user.id}&select=display_name`,
      {
        apikey: partner.publishableKey,
        authorization: `Bearer ${reader.accessToken}`,
        'content-type': 'application/json',
        prefer: 'return=representation',
      },
      JSON.stringify({ display_name: 'Awa D.' }),
    );
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.body)).toEqual([{ display_name: 'Awa D.' }]);
  });
});
