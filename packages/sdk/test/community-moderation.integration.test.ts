import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  type CokoClient,
  ConflictError,
  createCoko,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ValidationError,
} from '../src';
import { createCokoServer } from '../src/server';

// Real-stack tests of coko.community.reports / moderation / shares, GET /v1/share/{code} (the public
// preview, HTML and JSON, no session) and @coko/sdk/server's moderation.actions() for partners: PostgREST,
// the moderation migration, the API and the gateway of the file's stack.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const databaseUrl = process.env.COKO_TEST_DATABASE_URL ?? '';
const adminDatabaseUrl = process.env.COKO_TEST_ADMIN_DATABASE_URL ?? '';

describe.skipIf(!process.env.COKO_TEST_URL)('community moderation and sharing against the real stack', () => {
  const admin = new pg.Pool({ connectionString: adminDatabaseUrl, max: 2 });
  const apiDb = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  afterAll(async () => {
    await admin.end();
    await apiDb.end();
  });

  let book: string;
  let moderator: CokoClient;
  const guest = () => createCoko({ url, publishableKey, retries: 0 });

  async function newBook(title: string, status: 'published' | 'draft' = 'published'): Promise<string> {
    const id = randomUUID();
    await admin.query(
      `insert into public.books (id, title, description, language, status, format, cover_path)
       values ($1, $2, $3, 'fr', $4, $5, $6)`,
      [
        id,
        title,
        'Une histoire <b>de mer</b> & de "sel".',
        status,
        status === 'published' ? 'epub' : null,
        `${id}/c0ffee/cover.webp`,
      ],
    );
    return id;
  }

  async function reader(name: string, roles: string[] = []): Promise<{ id: string; coko: CokoClient }> {
    const id = randomUUID();
    await admin.query(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), '{"provider":"email"}', '{}', now(), now())`,
      [id, `${id.slice(0, 8)}@moderation.test`],
    );
    await admin.query('update public.profiles set display_name = $2 where id = $1', [id, name]);
    for (const role of roles)
      await admin.query('insert into public.user_roles (user_id, role) values ($1, $2)', [id, role]);
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.js'),
    ]);
    const token = await mintUserToken(
      testStack().keys,
      { id, email: `${id.slice(0, 8)}@moderation.test` },
      { expiresInSeconds: 600 },
    );
    return { id, coko: createCoko({ url, publishableKey, accessToken: token, retries: 0 }) };
  }

  async function review(authorId: string, bookId: string, body: string): Promise<string> {
    const { rows } = await admin.query(
      `insert into public.reviews (book_id, user_id, rating, title, body) values ($1, $2, 4, $3, $4) returning id`,
      [bookId, authorId, '<script>alert(1)</script>', body],
    );
    return rows[0].id as string;
  }

  const share = (code: string, accept?: string) =>
    fetch(`${url}/functions/v1/api/v1/share/${code}`, accept ? { headers: { accept } } : {});

  beforeAll(async () => {
    book = await newBook('Le Sel & la "Mer" <i>');
    moderator = (await reader('Modératrice', ['moderator'])).coko;
  });

  describe('reports and moderation', () => {
    it('three reports hide a review; the moderator sees it in the queue and restores it', async () => {
      const author = await reader('Autrice');
      const reviewId = await review(author.id, book, 'Un avis très discuté.');
      const reporters = [await reader('R1'), await reader('R2'), await reader('R3')];
      for (const r of reporters) {
        const report = await r.coko.community.reports.create({
          targetType: 'review',
          targetId: reviewId,
          reason: 'spam',
        });
        expect(report).toMatchObject({ targetType: 'review', targetId: reviewId, reason: 'spam', status: 'open' });
      }
      const mine = await reporters[0]!.coko.community.reports.mine();
      expect(mine.map((r) => r.targetId)).toEqual([reviewId]);

      const own = await author.coko.community.reviews.mine(book);
      expect(own?.hidden).toBe(true);
      const queue = await moderator.community.moderation.queue({ targetType: 'review' });
      expect(queue[0]).toMatchObject({
        targetType: 'review',
        targetId: reviewId,
        reporterCount: 3,
        authorId: author.id,
        content: { body: 'Un avis très discuté.' },
      });
      expect(queue[0]!.reports).toHaveLength(3);

      const action = await moderator.community.moderation.act({
        targetType: 'review',
        targetId: reviewId,
        action: 'restore',
        reason: 'Avis légitime',
      });
      expect(action).toMatchObject({ action: 'restore', targetUserId: author.id, targetType: 'review' });
      expect((await author.coko.community.reviews.mine(book))?.hidden).toBe(false);
      const seen = await author.coko.community.moderation.actions();
      expect(seen.data.map((a) => a.action)).toEqual(['restore']);
      expect((await reporters[0]!.coko.community.reports.mine())[0]!.status).toBe('dismissed');
    });

    it('maps the database refusals to SDK errors', async () => {
      const author = await reader('Auteur');
      const reviewId = await review(author.id, book, 'Mon avis.');
      await expect(
        author.coko.community.reports.create({ targetType: 'review', targetId: reviewId, reason: 'spam' }),
      ).rejects.toBeInstanceOf(PermissionDeniedError);
      const other = await reader('Autre');
      await other.coko.community.reports.create({ targetType: 'review', targetId: reviewId, reason: 'spam' });
      await expect(
        other.coko.community.reports.create({ targetType: 'review', targetId: reviewId, reason: 'hate' }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        other.coko.community.reports.create({ targetType: 'review', targetId: randomUUID(), reason: 'spam' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        other.coko.community.reports.create({ targetType: 'review', targetId: 'nope', reason: 'spam' }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        guest().community.reports.create({ targetType: 'review', targetId: reviewId, reason: 'spam' }),
      ).rejects.toBeInstanceOf(AuthenticationError);
      await expect(other.coko.community.moderation.queue()).rejects.toBeInstanceOf(PermissionDeniedError);
    });

    it('throttles reports (RateLimitError)', async () => {
      const author = await reader('Prolifique');
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push(await review(author.id, await newBook(`Livre ${i}`), `Avis ${i}`));
      const flooder = await reader('Signaleur');
      for (const id of ids.slice(0, 5)) {
        await flooder.coko.community.reports.create({ targetType: 'review', targetId: id, reason: 'spam' });
      }
      await expect(
        flooder.coko.community.reports.create({ targetType: 'review', targetId: ids[5]!, reason: 'spam' }),
      ).rejects.toBeInstanceOf(RateLimitError);
    });

    it('suspends a reader, who then cannot review, and lifts it', async () => {
      const r = await reader('Suspendu');
      const until = new Date(Date.now() + 3 * 86_400_000);
      const action = await moderator.community.moderation.act({
        targetType: 'user',
        targetId: r.id,
        action: 'suspend',
        reason: 'Insultes',
        suspendUntil: until,
      });
      expect(action.suspensionId).toEqual(expect.any(String));
      await expect(r.coko.community.reviews.upsert(book, { rating: 5 })).rejects.toBeInstanceOf(PermissionDeniedError);
      await moderator.community.moderation.act({ targetType: 'user', targetId: r.id, action: 'lift_suspension' });
      expect((await r.coko.community.reviews.upsert(book, { rating: 5 })).rating).toBe(5);
    });

    it('pages moderation actions with a cursor', async () => {
      const r = await reader('Averti');
      for (const reason of ['Un', 'Deux', 'Trois']) {
        await moderator.community.moderation.act({ targetType: 'user', targetId: r.id, action: 'warn', reason });
      }
      const first = await r.coko.community.moderation.actions({ limit: 2 });
      expect(first.data.map((a) => a.reason)).toEqual(['Trois', 'Deux']);
      const second = await r.coko.community.moderation.actions({ limit: 2, cursor: first.nextCursor });
      expect(second.data.map((a) => a.reason)).toEqual(['Un']);
      expect(second.nextCursor).toBeNull();
    });
  });

  describe('share links and GET /v1/share/{code}', () => {
    it('serves escaped Open Graph tags without a session, JSON by Accept, with cache headers', async () => {
      const sharer = await reader('Partageuse');
      const link = await sharer.coko.community.shares.create({ kind: 'book', targetId: book });
      expect(link.code).toMatch(/^[A-Za-z0-9_-]{11}$/);
      expect(link.url).toBe(`${url}/functions/v1/api/v1/share/${link.code}`);

      const page = await share(link.code, 'text/html,application/xhtml+xml,*/*;q=0.8');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('public, max-age=300');
      expect(page.headers.get('vary')).toMatch(/Accept/i);
      const html = await page.text();
      expect(html).toContain('<meta property="og:title" content="Le Sel &amp; la &quot;Mer&quot; &lt;i&gt;">');
      expect(html).toContain(
        '<meta property="og:description" content="Une histoire &lt;b&gt;de mer&lt;/b&gt; &amp; de &quot;sel&quot;.">',
      );
      expect(html).toMatch(/<meta property="og:image" content="[^"]+\/covers\/[^"]+cover\.webp">/);
      expect(html).toContain(`<link rel="canonical" href="${link.url}">`);
      expect(html).toContain('<meta name="twitter:card" content="summary_large_image">');
      expect(html).not.toContain('<i>');

      const preview = await guest().community.shares.preview(link.code);
      expect(preview).toMatchObject({ kind: 'book', title: 'Le Sel & la "Mer" <i>', book: { id: book } });
      expect(preview.imageUrl).toMatch(/cover\.webp$/);
    });

    it('previews a review until it is hidden, and nothing once revoked or unpublished (404, no leak)', async () => {
      const author = await reader('Critique');
      const reviewId = await review(author.id, book, 'Magnifique <img src=x onerror=alert(1)>');
      const sharer = await reader('Relais');
      const link = await sharer.coko.community.shares.create({ kind: 'review', targetId: reviewId });
      const html = await (await share(link.code)).text();
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<script>');
      const json = await guest().community.shares.preview(link.code);
      expect(json.review).toMatchObject({ rating: 4, authorName: 'Critique' });

      await moderator.community.moderation.act({
        targetType: 'review',
        targetId: reviewId,
        action: 'hide',
        reason: 'Spam',
      });
      const hidden = await share(link.code, 'application/json');
      expect(hidden.status).toBe(404);
      expect((await hidden.json()).error.code).toBe('NOT_FOUND');
      await expect(guest().community.shares.preview(link.code)).rejects.toBeInstanceOf(NotFoundError);

      const bookLink = await sharer.coko.community.shares.create({ kind: 'book', targetId: book });
      await sharer.coko.community.shares.revoke(bookLink.code);
      expect((await share(bookLink.code)).status).toBe(404);

      const other = await newBook('Bientôt retiré');
      const otherLink = await sharer.coko.community.shares.create({ kind: 'book', targetId: other });
      await admin.query(`update public.books set status = 'draft' where id = $1`, [other]);
      expect((await share(otherLink.code)).status).toBe(404);
      expect((await share('unknown-code-1')).status).toBe(404);
      expect((await share('%3Cx%3E')).status).toBe(400);
      await expect(
        sharer.coko.community.shares.create({ kind: 'book', targetId: await newBook('Brouillon', 'draft') }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect((await sharer.coko.community.shares.mine()).map((l) => l.revokedAt !== null)).toEqual([
        false,
        true,
        false,
      ]);
    });
  });

  describe('@coko/sdk/server moderation.actions()', () => {
    it("lists the actions on the partner's readers only, with their external ids", async () => {
      const [{ createPartner, cliActor }] = await Promise.all([import('../../server/src/admin/index.ts')]);
      const make = async (name: string) => {
        const partner = await createPartner(
          { db: apiDb, actor: cliActor() },
          { name: `${name} ${randomUUID().slice(0, 8)}` },
        );
        return createCokoServer({ url, secretKey: partner.secretKey?.key as string, retries: 0 });
      };
      const mine = await make('Librairie');
      const theirs = await make('Concurrent');
      const session = await mine.sessions.create({ externalUserId: 'lecteur-42', name: 'Lecteur' });
      const otherSession = await theirs.sessions.create({ externalUserId: 'autre-7', name: 'Autre' });
      await moderator.community.moderation.act({
        targetType: 'user',
        targetId: session.user.id,
        action: 'warn',
        reason: 'Restez courtois',
      });
      await moderator.community.moderation.act({
        targetType: 'user',
        targetId: otherSession.user.id,
        action: 'suspend',
        reason: 'Spam',
      });

      const page = await mine.moderation.actions();
      expect(page.data).toEqual([
        expect.objectContaining({
          action: 'warn',
          reason: 'Restez courtois',
          externalUserId: 'lecteur-42',
          targetType: null,
        }),
      ]);
      expect(page.nextCursor).toBeNull();
      expect(JSON.stringify(page)).not.toContain('moderator');
      const theirPage = await theirs.moderation.actions({ limit: 1 });
      expect(theirPage.data).toEqual([
        expect.objectContaining({ action: 'suspend', externalUserId: 'autre-7', suspendedUntil: null }),
      ]);
      await expect(mine.moderation.actions({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
