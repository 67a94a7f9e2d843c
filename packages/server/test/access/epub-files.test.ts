// GET /v1/books/{id}/epub/{token}/{path…}: the files of a signed manifest, through the gateway, from the
// stack's local storage. The token is a path segment, so what a browser resolves from a chapter's
// relative URLs (Readium's `<base href>` is the chapter's URL) still carries it.
import { beforeAll, describe, expect, it } from 'vitest';
import { newBuyer } from '../../../../supabase/tests/payments-helpers.ts';
import { epubFolderToken } from '../../src/content/epub-folder-token.ts';
import { access, bookWithFile, epubEntries, errorOf, sampleEpub, signer, stack } from './helpers.ts';

interface Link {
  href: string;
  type?: string;
}

const API = `${stack.url}/functions/v1/api`;
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

let book: string;
let manifestUrl: string;
let chapters: Link[];
/** The last chapter (the first entry is the cover page). */
let chapterUrl: string;

beforeAll(async () => {
  book = await bookWithFile({ free: true });
  const reader = (await newBuyer()).id;
  const granted = (await (await access(book, reader)).json()) as { manifest: { url: string } };
  manifestUrl = granted.manifest.url;
  chapters = ((await (await fetch(manifestUrl)).json()) as { readingOrder: Link[] }).readingOrder;
  chapterUrl = chapters.at(-1)?.href ?? '';
});

async function denied(url: string, reason: string): Promise<void> {
  const res = await fetch(url);
  expect(res.status, url).toBe(403);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await errorOf(res)).toMatchObject({ code: 'PERMISSION_DENIED', details: { reason } });
}

describe('GET /v1/books/{id}/epub/{token}/{path}', () => {
  it('serves every chapter of the manifest with the bytes of its EPUB entry', async () => {
    const entries = epubEntries(await sampleEpub());
    const token = new URL(manifestUrl).searchParams.get('exp');
    for (const link of chapters) {
      const match = new RegExp(`^${API}/v1/books/${book}/epub/(${token}\\.[\\w-]{43})/(.+)$`).exec(link.href);
      expect(match, link.href).not.toBeNull();
      const res = await fetch(link.href);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/xhtml+xml');
      expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
      expect(await bytesOf(res)).toEqual(entries[match?.[2] ?? '']);
    }
  });

  it('resolves a chapter’s relative references (stylesheet, image) under the same token', async () => {
    const entries = epubEntries(await sampleEpub());
    const chapter = await (await fetch(chapterUrl)).text();
    expect(chapter).toContain('href="../styles/book.css"');
    const css = await fetch(new URL('../styles/book.css', chapterUrl));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css');
    expect(await bytesOf(css)).toEqual(entries['OEBPS/styles/book.css']);
    const cover = await fetch(new URL('../images/cover.jpg', chapters[0]?.href));
    expect(cover.status).toBe(200);
    expect(await bytesOf(cover)).toEqual(entries['OEBPS/images/cover.jpg']);
    // A link to the next chapter, as a chapter's own <a href> would be.
    const first = new URL('chapter-001.xhtml', chapterUrl);
    expect((await fetch(first)).status).toBe(200);
  });

  it('answers a Range with 206 and HEAD with the size, ETag revalidation with 304', async () => {
    const whole = await bytesOf(await fetch(chapterUrl));
    const ranged = await fetch(chapterUrl, { headers: { range: 'bytes=10-99', 'accept-encoding': 'identity' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-99/${whole.length}`);
    expect(await bytesOf(ranged)).toEqual(whole.subarray(10, 100));

    const head = await fetch(chapterUrl, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(whole.length));
    const etag = (await fetch(chapterUrl, { headers: { 'accept-encoding': 'identity' } })).headers.get('etag') ?? '';
    expect(
      (await fetch(chapterUrl, { headers: { 'if-none-match': etag, 'accept-encoding': 'identity' } })).status,
    ).toBe(304);
  });

  it('lets a web reader on another origin ask for a range and read Content-Range and ETag', async () => {
    const origin = 'https://reader.example';
    const preflight = await fetch(chapterUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range,if-range' },
    });
    expect(preflight.status).toBeLessThan(300);
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['range', 'if-range']));
    const ranged = await fetch(chapterUrl, { headers: { origin, range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('access-control-allow-origin')).not.toBeNull();
    const exposed = (ranged.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['content-range', 'etag', 'accept-ranges']));
  });

  it('refuses another book’s token, a tampered or expired token, and a path climbing above the token', async () => {
    const url = new URL(chapterUrl);
    const [, token, ...rest] = url.pathname.slice(url.pathname.indexOf('/epub/') + 1).split('/');
    const inside = rest.join('/');
    const other = await bookWithFile({ free: true });
    const at = (bookId: string, segment: string) => `${API}/v1/books/${bookId}/epub/${segment}/${inside}`;
    const [exp, sig = ''] = (token ?? '').split('.');
    const tampered = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const past = Math.floor(Date.now() / 1000) - 10;

    await denied(at(other, token ?? ''), 'bad_signature');
    await denied(at(book, `${exp}.${tampered}`), 'bad_signature');
    await denied(at(book, `${Number(exp) + 3600}.${sig}`), 'bad_signature');
    await denied(at(book, await epubFolderToken(signer, book, past)), 'expired');
    await denied(at(book, 'not-a-token'), 'unsigned');
    // `../../../` from OEBPS/text/ lands on the token's level: the browser drops it from the URL.
    const climbed = new URL('../../../OEBPS/styles/book.css', chapterUrl);
    expect(climbed.pathname).toBe(`/functions/v1/api/v1/books/${book}/epub/OEBPS/styles/book.css`);
    await denied(climbed.href, 'unsigned');
    // A climb with encoded slashes, which URL resolution leaves alone, never leaves the book's folder.
    const encoded = await fetch(`${API}/v1/books/${book}/epub/${token}/..%2F..%2Fmanifest.json`);
    expect(encoded.status).toBe(404);
  });

  it('keeps folder, file and manifest signatures apart: none opens what another signs', async () => {
    const url = new URL(chapterUrl);
    const token = url.pathname.split('/epub/')[1]?.split('/')[0] ?? '';
    const [exp, folderSig] = token.split('.');
    const inside = url.pathname.split(`${token}/`)[1] ?? '';
    // The folder's signature as a file URL of a chapter, or of the folder itself: no bytes.
    await denied(`${API}/v1/files/books/${book}/epub/${inside}?exp=${exp}&sig=${folderSig}`, 'bad_signature');
    const folder = await fetch(`${API}/v1/files/books/${book}/epub/?exp=${exp}&sig=${folderSig}`);
    expect(folder.status).toBe(404);
    // …nor as the manifest's.
    await denied(`${API}/v1/books/${book}/manifest.json?exp=${exp}&sig=${folderSig}`, 'bad_signature');
    // A file URL's signature, or the manifest's, as a folder token.
    const fileSig = await signer.sign('books', `${book}/epub/${inside}`, Number(exp));
    await denied(`${API}/v1/books/${book}/epub/${exp}.${fileSig}/${inside}`, 'bad_signature');
    const manifestSig = new URL(manifestUrl).searchParams.get('sig');
    await denied(`${API}/v1/books/${book}/epub/${exp}.${manifestSig}/${inside}`, 'bad_signature');
  });

  it('answers 404 for a file the book does not have', async () => {
    const res = await fetch(new URL('missing.xhtml', chapterUrl));
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('NOT_FOUND');
  });
});
