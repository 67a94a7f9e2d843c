import { unzipSync, type Zippable, zipSync } from 'fflate';
import type { BookFileFaultReason } from '../../book-file-error.ts';
import { buildEpub3 } from './build-epub.ts';
import { buildPdf } from './build-pdf.ts';
import { testCoverImage } from './images.ts';

export interface BrokenFile {
  /** A file name as an editor would upload it. */
  name: string;
  bytes: Uint8Array;
  /** The reason the pipeline refuses it with (extractBook throws it, or reports `drm: true` for it). */
  reason: BookFileFaultReason;
}

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/**
 * Every kind of file the pipeline must refuse, each with the reason an editor sees. Made from a valid
 * EPUB 3 and PDF by breaking one thing each.
 */
export async function buildBrokenFiles(): Promise<BrokenFile[]> {
  const epub = await buildEpub3({ chapters: 2, chapterCharacters: 2000 });
  const pdf = await buildPdf({ pages: 2 });
  const entries = unzipSync(epub);
  const rezip = (changes: Record<string, Uint8Array | null>): Uint8Array => {
    const files: Zippable = {};
    for (const [path, bytes] of Object.entries({ ...entries, ...changes }))
      if (bytes) files[path] = path === 'mimetype' ? [bytes, { level: 0 }] : bytes;
    return zipSync(files);
  };
  const opf = decode(entries['OEBPS/content.opf']);

  return [
    { name: 'vide.epub', bytes: new Uint8Array(0), reason: 'EMPTY_FILE' },
    { name: 'tronque.epub', bytes: epub.slice(0, Math.floor(epub.length / 2)), reason: 'NOT_A_ZIP' },
    { name: 'sans-mimetype.epub', bytes: rezip({ mimetype: null }), reason: 'BAD_MIMETYPE' },
    { name: 'mauvais-mimetype.epub', bytes: rezip({ mimetype: encode('application/zip') }), reason: 'BAD_MIMETYPE' },
    { name: 'sans-container.epub', bytes: rezip({ 'META-INF/container.xml': null }), reason: 'MISSING_CONTAINER' },
    {
      name: 'container-casse.epub',
      bytes: rezip({ 'META-INF/container.xml': encode('<container><rootfiles><rootfile/></rootfiles></container>') }),
      reason: 'BAD_CONTAINER',
    },
    { name: 'sans-opf.epub', bytes: rezip({ 'OEBPS/content.opf': null }), reason: 'MISSING_OPF' },
    {
      name: 'opf-illisible.epub',
      bytes: rezip({ 'OEBPS/content.opf': encode('<package><metadata>') }),
      reason: 'BAD_OPF',
    },
    {
      name: 'sans-titre.epub',
      bytes: rezip({ 'OEBPS/content.opf': encode(opf.replace(/<dc:title[^>]*>[^<]*<\/dc:title>/g, '')) }),
      reason: 'MISSING_TITLE',
    },
    {
      name: 'titre-vide.epub',
      bytes: rezip({ 'OEBPS/content.opf': encode(opf.replace(/(<dc:title id="title">)[^<]*/, '$1   ')) }),
      reason: 'MISSING_TITLE',
    },
    { name: 'protege.epub', bytes: await buildEpub3({ chapters: 2, encryption: 'content' }), reason: 'DRM_PROTECTED' },
    { name: 'protege.pdf', bytes: await buildPdf({ pages: 2, encrypted: true }), reason: 'DRM_PROTECTED' },
    { name: 'sans-pages.pdf', bytes: await buildPdf({ pages: 0 }), reason: 'NO_PAGES' },
    { name: 'tronque.pdf', bytes: pdf.slice(0, 40), reason: 'NOT_A_PDF' },
    { name: 'image.epub', bytes: await testCoverImage('not-a-book', 'jpeg'), reason: 'UNSUPPORTED_FORMAT' },
    { name: 'notes.pdf', bytes: encode('Ceci est un fichier texte, pas un livre.\n'), reason: 'UNSUPPORTED_FORMAT' },
    { name: 'archive.zip', bytes: zipSync({ 'lisez-moi.txt': encode('Bonjour') }), reason: 'BAD_MIMETYPE' },
  ];
}
