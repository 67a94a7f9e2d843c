// GET /v1/books/{id}/access and the signed manifest, through the gateway, against the real database
// (private.can_read, private.book_available_in) and the real local storage adapter of the stack's API.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../../../../supabase/tests/helpers.ts';
import { markPaid, newBook, newBuyer, newOrder, newPlan } from '../../../../supabase/tests/payments-helpers.ts';
import { readEpub } from '../../src/content/read-epub.ts';
import { webpubManifest } from '../../src/content/webpub-manifest.ts';
import {
  API,
  access,
  bookWithFile,
  epubEntries,
  errorOf,
  publish,
  sampleEpub,
  setCountry,
  signer,
  stack,
  tokenFor,
} from './helpers.ts';

interface Access {
  bookId: string;
  right: string;
  format: string;
  expiresAt: string;
  file: { url: string; size: number; etag: string; contentType: string };
  manifest: { url: string } | null;
  cover: { small: string; large: string } | null;
}

interface Link {
  href: string;
  type?: string;
  title?: string;
  children?: Link[];
}

let reader: string;
let freeBook: string;

beforeAll(async () => {
  reader = (await newBuyer()).id;
  await setCountry(reader, 'SN');
  freeBook = await bookWithFile({ free: true });
});

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

async function granted(bookId: string, userId = reader): Promise<Access> {
  const res = await access(bookId, userId);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Access;
}

/** Asserts a refusal with `code` whose body carries no URL at all. */
async function refused(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(JSON.parse(text).error.code).toBe(code);
  expect(text).not.toMatch(/https?:\/\/|sig=|\/v1\/files\//);
}

describe('GET /v1/books/{id}/access', () => {
  it('refuses a request without a reader token (401)', async () => {
    const res = await access(freeBook, null);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('AUTHENTICATION_ERROR');
  });

  it('opens a free book: the whole file, the manifest and the covers, signed for ACCESS_URL_TTL', async () => {
    const epub = await sampleEpub();
    const before = Date.now();
    const res = await access(freeBook, reader);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = (await res.json()) as Access;
    expect(body).toMatchObject({
      bookId: freeBook,
      right: 'free',
      format: 'epub',
      file: { size: epub.length, contentType: 'application/epub+zip' },
    });
    const ttl = Date.parse(body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThanOrEqual(3_601_000);
    expect(body.file.url.startsWith(`${stack.url}/functions/v1/api/v1/files/books/${freeBook}/book.epub?`)).toBe(true);
    expect(body.manifest?.url).toMatch(
      new RegExp(`^${stack.url}/functions/v1/api/v1/books/${freeBook}/manifest\\.json\\?exp=\\d+&sig=`),
    );

    const file = await fetch(body.file.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('etag')).toBe(body.file.etag);
    expect(await bytesOf(file)).toEqual(epub);

    const cover = await fetch(body.cover?.small ?? '');
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toBe('image/webp');
  });

  it('resumes the whole file mid-way with Range + If-Range: the pieces are the file', async () => {
    const epub = await sampleEpub();
    const { file } = await granted(freeBook);
    const cut = Math.floor(epub.length / 3);
    const first = await fetch(file.url, { headers: { range: `bytes=0-${cut - 1}` } });
    expect(first.status).toBe(206);
    const head = await bytesOf(first);
    // The link dropped after `cut` bytes; the download resumes where it stopped.
    const rest = await fetch(file.url, { headers: { range: `bytes=${cut}-`, 'if-range': file.etag } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes ${cut}-${epub.length - 1}/${epub.length}`);
    const tail = await bytesOf(rest);
    const whole = new Uint8Array(head.length + tail.length);
    whole.set(head);
    whole.set(tail, head.length);
    expect(whole).toEqual(epub);
  });

  it('lets a web reader on another origin resume the file (Range allowed, Content-Range and ETag exposed)', async () => {
    const { file } = await granted(freeBook);
    const origin = 'https://reader.example';
    const preflight = await fetch(file.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range,if-range' },
    });
    expect(preflight.status).toBeLessThan(300);
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['range', 'if-range']));
    const ranged = await fetch(file.url, { headers: { origin, range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    const exposed = (ranged.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['content-range', 'etag', 'accept-ranges']));
  });

  it('refuses a paid book not bought with NOT_ENTITLED, and no URL', async () => {
    const paid = await bookWithFile({ price: 1500 });
    await refused(await access(paid, reader), 403, 'NOT_ENTITLED');
  });

  it('opens a bought book, and refuses it again once refunded', async () => {
    const buyer = (await newBuyer()).id;
    const book = await bookWithFile({ price: 2500 });
    const order = await newOrder({ userId: buyer, bookId: book, amount: 2500 });
    await refused(await access(book, buyer), 403, 'NOT_ENTITLED');
    await markPaid(order);
    expect((await granted(book, buyer)).right).toBe('purchase');
    // Another reader still may not.
    await refused(await access(book, reader), 403, 'NOT_ENTITLED');

    await adminQuery('select private.refund_order($1, $2, null)', [order, 'test refund']);
    await refused(await access(book, buyer), 403, 'NOT_ENTITLED');
  });

  it('opens a paid book covered by an active subscription', async () => {
    const subscriber = (await newBuyer()).id;
    const book = await bookWithFile({ price: 3000 });
    const plan = await newPlan();
    await markPaid(await newOrder({ userId: subscriber, planId: plan }));
    expect((await granted(book, subscriber)).right).toBe('subscription');
  });

  it("refuses a book not sold in the reader's country with NOT_AVAILABLE_IN_COUNTRY, even a free one", async () => {
    const book = await bookWithFile({ free: true, countries: ['CI', 'ML'] });
    const res = await access(book, reader);
    const text = await res.clone().text();
    await refused(res, 403, 'NOT_AVAILABLE_IN_COUNTRY');
    expect(JSON.parse(text).error.details).toEqual({ bookId: book, country: 'SN' });

    const ivorian = (await newBuyer()).id;
    await setCountry(ivorian, 'CI');
    expect((await granted(book, ivorian)).right).toBe('free');
  });

  it('reads the country of a reader without one in their profile from the x-coko-country header', async () => {
    const book = await bookWithFile({ free: true, countries: ['CI'] });
    const traveller = (await newBuyer()).id;
    await setCountry(traveller, null);
    const open = async (country: string) =>
      fetch(`${API}/v1/books/${book}/access`, {
        headers: { authorization: `Bearer ${await tokenFor(traveller)}`, 'x-coko-country': country },
      });
    expect((await open('CI')).status).toBe(200);
    await refused(await open('SN'), 403, 'NOT_AVAILABLE_IN_COUNTRY');
    await refused(await access(book, traveller), 403, 'NOT_AVAILABLE_IN_COUNTRY');
    // A profile country wins over the header.
    await setCountry(traveller, 'SN');
    await refused(await open('CI'), 403, 'NOT_AVAILABLE_IN_COUNTRY');
  });

  it('answers 404 for a draft, an unknown book, and a published book without a file', async () => {
    const draft = await bookWithFile({ free: true, status: 'draft' });
    await refused(await access(draft, reader), 404, 'NOT_FOUND');
    await refused(await access('7d1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b', reader), 404, 'NOT_FOUND');

    const bare = await newBook({ free: true });
    const res = await access(bare, reader);
    const text = await res.clone().text();
    await refused(res, 404, 'NOT_FOUND');
    expect(JSON.parse(text).error.message).toBe('This book has no file to read yet');

    // Recorded but gone from storage: the same answer, never a URL to nothing.
    const missing = await newBook({ free: true });
    await adminQuery(`update public.books set file_path = $2, format = 'epub' where id = $1`, [
      missing,
      `${missing}/book.epub`,
    ]);
    await refused(await access(missing, reader), 404, 'NOT_FOUND');
  });

  it('opens a PDF: the whole file, no manifest', async () => {
    const pdf = await sampleEpub(2, 'pdf');
    const book = await newBook({ free: true });
    await publish(book, pdf, 'pdf');
    const body = await granted(book);
    expect(body).toMatchObject({
      format: 'pdf',
      manifest: null,
      file: { size: pdf.length, contentType: 'application/pdf' },
    });
    expect(await bytesOf(await fetch(body.file.url))).toEqual(pdf);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const res = await access('not-a-uuid', reader);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('VALIDATION_ERROR');
  });
});

describe('GET /v1/books/{id}/manifest.json', () => {
  let body: Access;
  beforeAll(async () => {
    body = await granted(freeBook);
  });

  it('serves, without a token, a WebPub manifest whose hrefs fetch the EPUB’s own bytes', async () => {
    const epub = await sampleEpub();
    const entries = epubEntries(epub);
    const expected = webpubManifest(readEpub(epub));

    const res = await fetch(body.manifest?.url ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/webpub+json');
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=([1-9]|[1-5]\d|60)$/);
    const manifest = (await res.json()) as {
      '@context': string;
      metadata: { title: string };
      links: Link[];
      readingOrder: Link[];
      resources: Link[];
      toc: Link[];
    };
    expect(manifest['@context']).toBe('https://readium.org/webpub-manifest/context.jsonld');
    expect(manifest.metadata.title).toBe(expected.metadata.title);
    expect(manifest.links).toEqual([{ rel: 'self', href: body.manifest?.url, type: 'application/webpub+json' }]);
    expect(manifest.readingOrder.map((link) => link.type)).toEqual(expected.readingOrder.map((link) => link.type));

    // Every reading-order file, one by one, as a reader turning pages would fetch them.
    for (const [index, link] of manifest.readingOrder.entries()) {
      const path = expected.readingOrder[index]?.href ?? '';
      expect(link.href).toMatch(
        new RegExp(`^${stack.url}/functions/v1/api/v1/books/${freeBook}/epub/\\d+\\.[\\w-]{43}/`),
      );
      const chapter = await fetch(link.href);
      expect(chapter.status).toBe(200);
      expect(await bytesOf(chapter)).toEqual(entries[path]);
    }
    // The stylesheet a chapter needs, and the table of contents keeps its #fragments.
    const css = manifest.resources.find((link) => link.type === 'text/css');
    const cssPath = expected.resources.find((link) => link.type === 'text/css')?.href ?? '';
    expect(await bytesOf(await fetch(css?.href ?? ''))).toEqual(entries[cssPath]);
    const flat = (links: Link[]): Link[] => links.flatMap((link) => [link, ...flat(link.children ?? [])]);
    const tocHrefs = flat(manifest.toc).map((link) => link.href);
    const expectedToc = flat(expected.toc).map((link) => link.href);
    expect(tocHrefs).toHaveLength(expectedToc.length);
    for (const [index, href] of tocHrefs.entries()) {
      const fragment = expectedToc[index]?.split('#')[1];
      expect(href).toMatch(new RegExp(`/v1/books/${freeBook}/epub/\\d+\\.[\\w-]{43}/OEBPS/`));
      if (fragment) expect(href.endsWith(`#${fragment}`)).toBe(true);
    }
  });

  it('serves the republished book’s manifest through a link handed out before (cached by ETag)', async () => {
    const book = await bookWithFile({ free: true });
    const { manifest } = await granted(book);
    const before = (await (await fetch(manifest?.url ?? '')).json()) as { readingOrder: Link[] };
    await publish(book, await sampleEpub(2));
    const after = (await (await fetch(manifest?.url ?? '')).json()) as { readingOrder: Link[] };
    // The cover page and the chapters: 4 chapters, then 2.
    expect(before.readingOrder).toHaveLength(5);
    expect(after.readingOrder).toHaveLength(3);
    const epub = epubEntries(await sampleEpub(2));
    const last = webpubManifest(readEpub(await sampleEpub(2))).readingOrder.at(-1)?.href ?? '';
    expect(await bytesOf(await fetch(after.readingOrder.at(-1)?.href ?? ''))).toEqual(epub[last]);
  });

  it('refuses a tampered, a foreign, an expired or a missing signature with 403', async () => {
    const url = new URL(body.manifest?.url ?? '');
    const exp = Number(url.searchParams.get('exp'));
    const sig = url.searchParams.get('sig') ?? '';
    const base = `${url.origin}${url.pathname}`;
    const tampered = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const otherBook = `${stack.url}/functions/v1/api/v1/books/${await bookWithFile({ free: true })}/manifest.json`;
    const past = Math.floor(Date.now() / 1000) - 10;
    const cases: [string, string][] = [
      [`${base}?exp=${exp}&sig=${tampered}`, 'bad_signature'],
      [`${base}?exp=${exp + 3600}&sig=${sig}`, 'bad_signature'],
      [`${otherBook}?exp=${exp}&sig=${sig}`, 'bad_signature'],
      [`${base}?exp=${past}&sig=${await signer.sign('webpub', freeBook, past)}`, 'expired'],
      [base, 'unsigned'],
      // A file URL's signature opens no manifest.
      [`${base}?exp=${exp}&sig=${await signer.sign('books', `${freeBook}/manifest.json`, exp)}`, 'bad_signature'],
    ];
    for (const [target, reason] of cases) {
      const res = await fetch(target);
      expect(res.status, target).toBe(403);
      expect(await errorOf(res)).toMatchObject({ code: 'PERMISSION_DENIED', details: { reason } });
    }
  });

  it('travels compressed (manifest, chapters) with weak ETags; a range of a chapter is sent as stored', async () => {
    const manifestRes = await fetch(body.manifest?.url ?? '', { headers: { 'accept-encoding': 'br' } });
    expect(manifestRes.headers.get('content-encoding')).toBe('br');
    const manifest = (await manifestRes.json()) as { readingOrder: Link[] };
    const chapterUrl = manifest.readingOrder.at(-1)?.href ?? '';
    const chapter = await fetch(chapterUrl, { headers: { 'accept-encoding': 'gzip' } });
    expect(chapter.headers.get('content-encoding')).toBe('gzip');
    expect(chapter.headers.get('etag')).toMatch(/^W\/"/);
    const identity = await bytesOf(chapter);

    const range = await fetch(chapterUrl, { headers: { 'accept-encoding': 'gzip', range: 'bytes=10-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-encoding')).toBeNull();
    expect(await bytesOf(range)).toEqual(identity.subarray(10, 100));
  });
});
