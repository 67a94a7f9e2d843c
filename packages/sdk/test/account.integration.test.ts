import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor, createPartner } from '../../server/src/admin/index.ts';
import { AuthenticationError, createCoko, NotFoundError, ValidationError } from '../src';
import { createCokoServer } from '../src/server';

// Real-stack tests of coko.account, reading.notes, catalog.publishers and @coko/sdk/server: the
// gateway, PostgREST (RLS on profiles and consents) and the Coko API. A partner is created through
// Coko's admin operations so that sessions.create mints real users; the root harness
// (test/setup-stack.ts) sets COKO_TEST_URL and friends.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const databaseUrl = process.env.COKO_TEST_DATABASE_URL ?? process.env.COKO_TEST_ADMIN_DATABASE_URL;

describe.skipIf(!process.env.COKO_TEST_URL)('account, notes, publishers and sessions against the real stack', () => {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  let secretKey: string;

  beforeAll(async () => {
    const partner = await createPartner(
      { db, actor: cliActor() },
      { name: `SDK partner ${Date.now().toString(36)}`, allowedOrigins: [], defaultCountry: 'SN' },
    );
    secretKey = partner.secretKey?.key as string;
  });
  afterAll(() => db.end());

  /** A reader of the partner, signed in through a session minted by @coko/sdk/server. */
  async function reader(externalUserId: string) {
    const server = createCokoServer({ url, secretKey });
    const session = await server.sessions.create({ externalUserId, name: 'Awa Diop', language: 'fr' });
    return { session, coko: createCoko({ url, publishableKey, accessToken: session.accessToken }) };
  }

  it('sessions.create mints a token the API and PostgREST accept; a wrong key is an AuthenticationError', async () => {
    const { session, coko } = await reader('sdk-user-1');
    expect(session.user).toMatchObject({ externalUserId: 'sdk-user-1', name: 'Awa Diop', country: 'SN' });
    expect(await coko.account.me()).toMatchObject({ id: session.user.id, expiresAt: session.expiresAt });

    const wrong = createCokoServer({ url, secretKey: `${secretKey}x`, retries: 0 });
    const error = await wrong.sessions.create({ externalUserId: 'sdk-user-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'AUTHENTICATION_ERROR', status: 401 });
    await expect(wrong.sessions.create({ externalUserId: '' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('profile and preferences: read, partial updates, validation before any request', async () => {
    const { session, coko } = await reader('sdk-user-2');
    const profile = await coko.account.profile.get();
    expect(profile).toMatchObject({ id: session.user.id, displayName: 'Awa Diop', country: 'SN', language: 'fr' });
    // Every key in the public casing (camelCase); `preferences` is JSON, kept as written.
    expect(Object.keys(profile).sort()).toEqual(
      ['avatarPath', 'country', 'createdAt', 'displayName', 'id', 'language', 'preferences', 'updatedAt'].sort(),
    );
    expect(profile.preferences).toEqual({
      theme: 'system',
      fontSize: 16,
      notifications: { email: true, push: true, sms: false },
    });

    const updated = await coko.account.profile.update({ displayName: 'Awa D.', country: 'ci' });
    expect(updated).toMatchObject({ displayName: 'Awa D.', country: 'CI', language: 'fr' });
    await expect(coko.account.profile.update({ language: 'french' })).rejects.toBeInstanceOf(ValidationError);

    expect(await coko.account.preferences.update({ theme: 'dark', notifications: { sms: true } })).toEqual({
      theme: 'dark',
      fontSize: 16,
      notifications: { email: true, push: true, sms: true },
    });
    expect((await coko.account.preferences.get()).theme).toBe('dark');
    await expect(coko.account.preferences.update({ fontSize: 100 })).rejects.toBeInstanceOf(ValidationError);

    // The notification and leaderboard keys (issue 13): merged per kind; keys not named are kept.
    await coko.account.preferences.update({
      leaderboards: false,
      notifications: { kinds: { welcome: { email: false } } },
    });
    expect(
      await coko.account.preferences.update({
        notifications: {
          kinds: { welcome: { sms: true } },
          quietHours: { start: '22:00', end: '07:00' },
          timeZone: 'Africa/Dakar',
        },
      }),
    ).toEqual({
      theme: 'dark',
      fontSize: 16,
      leaderboards: false,
      notifications: {
        email: true,
        push: true,
        sms: true,
        kinds: { welcome: { email: false, sms: true } },
        quietHours: { start: '22:00', end: '07:00' },
        timeZone: 'Africa/Dakar',
      },
    });
    await expect(
      coko.account.preferences.update({ notifications: { quietHours: { start: '25:00', end: '07:00' } } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('consents: the latest decision per kind', async () => {
    const { coko } = await reader('sdk-user-3');
    expect(await coko.account.consents.list()).toEqual([]);
    const given = await coko.account.consents.set('marketing', true);
    expect(Object.keys(given).sort()).toEqual(['createdAt', 'granted', 'kind']);
    expect(Date.parse(given.createdAt)).not.toBeNaN();
    await coko.account.consents.set('marketing', false);
    await coko.account.consents.set('analytics', true);
    const consents = await coko.account.consents.list();
    for (const consent of consents) expect(Date.parse(consent.createdAt)).not.toBeNaN();
    expect(consents.map(({ kind, granted }) => ({ kind, granted }))).toEqual([
      { kind: 'marketing', granted: false },
      { kind: 'analytics', granted: true },
    ]);
  });

  it('export, then delete: the token stops working at once', async () => {
    const { session, coko } = await reader('sdk-user-4');
    const data = await coko.account.export();
    expect(data).toMatchObject({ format: 'coko-export/1', userId: session.user.id });
    await coko.account.delete();
    await expect(coko.account.me()).rejects.toMatchObject({ code: 'AUTHENTICATION_ERROR', status: 401 });
  });

  it('a guest gets an AuthenticationError from account methods', async () => {
    const guest = createCoko({ url, publishableKey });
    await expect(guest.account.profile.get()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(guest.account.me()).rejects.toMatchObject({ code: 'AUTHENTICATION_ERROR', status: 401 });
  });

  it('reading.notes exports the reader’s notes as Markdown; an unknown book is a NotFoundError', async () => {
    const { coko } = await reader('sdk-user-5');
    const [book] = (await coko.catalog.list({ limit: 1 })).data;
    await coko.reading.annotations.create({
      bookId: book?.id as string,
      kind: 'note',
      locator: {
        href: 'c1.xhtml',
        type: 'application/xhtml+xml',
        locations: { progression: 0.1, totalProgression: 0.1 },
      },
      note: 'Ŋoŋ à relire',
      selectedText: 'Il était une fois',
    });
    const markdown = await coko.reading.notes.markdown(book?.id as string, { lang: 'fr' });
    expect(markdown).toContain(book?.title as string);
    expect(markdown).toContain('Ŋoŋ à relire');
    const missing = coko.reading.notes.markdown('6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11');
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    await expect(coko.reading.notes.pdf('not-a-uuid')).rejects.toBeInstanceOf(ValidationError);
  });

  it('catalog.publishers lists publishers by name, with a search', async () => {
    const guest = createCoko({ url, publishableKey });
    const all = await guest.catalog.publishers();
    expect(all.data.length).toBeGreaterThan(0);
    const names = all.data.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const first = all.data[0];
    const found = await guest.catalog.publishers({ search: first?.name.slice(0, 4) ?? '' });
    expect(found.data.map((p) => p.id)).toContain(first?.id);
  });
});
