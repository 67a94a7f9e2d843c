import { type Zippable, zipSync } from 'fflate';
import { frenchParagraphs } from '../../demo/prose.ts';
import { testCoverImage } from './images.ts';

/** A test book's creator: a name (role `aut`, written as EPUB 2 or 3 says), or a name with a MARC role. */
export type TestCreator = string | { name: string; role: string };

export interface TestEpubOptions {
  /** null leaves the package without a dc:title (a file the pipeline refuses). */
  title?: string | null;
  subtitle?: string | null;
  authors?: TestCreator[];
  publisher?: string | null;
  /** Written as `urn:isbn:…`, as most EPUBs do. */
  isbn?: string | null;
  language?: string | null;
  /** dc:description, written as given (escaped HTML, as Calibre writes it, is allowed). */
  description?: string | null;
  /** dc:date (the publication date), as written. */
  date?: string | null;
  /** Number of chapters, each a spine item with a heading and French prose. */
  chapters?: number;
  chapterCharacters?: number;
  /** Characters between page-break markers; the page list has one entry per break. */
  charactersPerPage?: number;
  /** A page list (EPUB 3 nav `page-list`, EPUB 2 NCX `pageList`). */
  pageList?: boolean;
  /** A table of contents (EPUB 3 nav `toc`, EPUB 2 NCX `navMap`); without it the nav/NCX is empty. */
  toc?: boolean;
  /**
   * The cover: declared in the package (`png`, `jpeg`), only shown as the first image of the first
   * spine item with nothing in the package saying so (`first-image`), or none.
   */
  cover?: 'png' | 'jpeg' | 'first-image' | false;
  /** META-INF/encryption.xml over the chapters (DRM) or over the embedded font only (font obfuscation). */
  encryption?: 'content' | 'fonts' | null;
  /** PNG illustrations: listed in the package and shown in the chapters, spread evenly. */
  illustrations?: Uint8Array[];
  /** Extra files to add or replace (path inside the archive → bytes). */
  files?: Record<string, Uint8Array>;
  /** Seeds the prose and images: the same options give the same bytes. */
  seed?: string;
}

type Resolved = Required<Omit<TestEpubOptions, 'files'>> & { files: Record<string, Uint8Array> };

const DEFAULTS: Resolved = {
  title: 'Les contes de la lagune',
  subtitle: 'Récits du soir',
  authors: ['Awa Ndiaye'],
  publisher: 'Éditions Teranga Plume',
  isbn: '9782731000146',
  language: 'fr',
  description: 'Des contes de pêcheurs et de marchés, racontés à la veillée.',
  date: '2024-03-15',
  chapters: 3,
  chapterCharacters: 4000,
  charactersPerPage: 1800,
  pageList: true,
  toc: true,
  cover: 'jpeg',
  encryption: null,
  illustrations: [],
  files: {},
  seed: 'test-epub',
};

const ZIP_TIME = new Date('2026-01-01T00:00:00Z');
const encode = (text: string) => new TextEncoder().encode(text);
const FONT_PATH = 'OEBPS/fonts/book.otf';

/**
 * A valid EPUB 3 (package 3.0, navigation document with toc and page list, refines for title types
 * and roles) made from `options`; the defaults give a small French book with a JPEG cover.
 *
 * @example
 * const bytes = await buildEpub3({ title: 'Soundjata', pageList: false, cover: 'png' });
 */
export function buildEpub3(options: TestEpubOptions = {}): Promise<Uint8Array> {
  return buildEpub('3.0', { ...DEFAULTS, ...options, files: options.files ?? {} });
}

/** A valid EPUB 2 (package 2.0, NCX toc and page list, `<meta name="cover">`, `opf:role`). */
export function buildEpub2(options: TestEpubOptions = {}): Promise<Uint8Array> {
  return buildEpub('2.0', { ...DEFAULTS, ...options, files: options.files ?? {} });
}

interface Chapter {
  file: string;
  title: string;
  xhtml: string;
  /** Page numbers whose break marker is in this chapter. */
  pages: number[];
}

async function buildEpub(version: '2.0' | '3.0', options: Resolved): Promise<Uint8Array> {
  const chapters = makeChapters(version, options);
  const coverImage =
    options.cover === false ? null : await testCoverImage(options.seed, options.cover === 'png' ? 'png' : 'jpeg');
  const coverFile = options.cover === 'png' ? 'images/cover.png' : 'images/cover.jpg';
  const files: Zippable = {
    mimetype: [encode('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': encode(CONTAINER),
    'OEBPS/content.opf': encode(packageDocument(version, options, chapters, coverFile)),
    'OEBPS/styles/book.css': encode('p { margin: 0; text-indent: 1.5em; }\n'),
  };
  if (version === '3.0') files['OEBPS/nav.xhtml'] = encode(navDocument(options, chapters));
  else files['OEBPS/toc.ncx'] = encode(ncxDocument(options, chapters));
  if (coverImage) files[`OEBPS/${coverFile}`] = [coverImage, { level: 0 }];
  for (const chapter of chapters) files[`OEBPS/text/${chapter.file}`] = encode(chapter.xhtml);
  options.illustrations.forEach((png, i) => {
    files[`OEBPS/${illustrationFile(i)}`] = [png, { level: 0 }];
  });
  if (options.encryption) {
    files[FONT_PATH] = encode('not a real font: obfuscated fonts are bytes the reader de-obfuscates');
    files['META-INF/encryption.xml'] = encode(encryptionXml(options.encryption, chapters));
  }
  for (const [path, bytes] of Object.entries(options.files)) files[path] = bytes;
  return zipSync(files, { level: 6, mtime: ZIP_TIME });
}

function makeChapters(version: '2.0' | '3.0', options: Resolved): Chapter[] {
  let page = 0;
  return Array.from({ length: options.chapters }, (_, index) => {
    const title = `Chapitre ${index + 1}`;
    const pages: number[] = [];
    const pageBreak = () => {
      page += 1;
      pages.push(page);
      return version === '3.0'
        ? `<span epub:type="pagebreak" role="doc-pagebreak" id="page-${page}" aria-label="${page}"></span>`
        : `<a id="page-${page}"></a>`;
    };
    let sinceBreak = 0;
    const body = frenchParagraphs(`${options.seed}:${index}`, options.chapterCharacters).map((paragraph) => {
      sinceBreak += paragraph.length;
      const text = `<p>${escapeXml(paragraph)}</p>`;
      if (sinceBreak < options.charactersPerPage) return text;
      sinceBreak = 0;
      return `${text}${pageBreak()}`;
    });
    const first =
      index === 0 && options.cover === 'first-image' ? '<p><img src="../images/cover.jpg" alt=""/></p>' : '';
    const illustrations = options.illustrations
      .flatMap((_, i) =>
        i % options.chapters === index ? [`<p><img src="../${illustrationFile(i)}" alt=""/></p>`] : [],
      )
      .join('\n');
    const content = `${pageBreak()}<h1>${escapeXml(title)}</h1>\n${first}${body.join('\n')}\n${illustrations}`;
    return { file: chapterFile(index), title, xhtml: xhtml(options.language ?? 'fr', title, content), pages };
  });
}

const illustrationFile = (index: number) => `images/illustration-${String(index + 1).padStart(3, '0')}.png`;
const chapterFile = (index: number) => `chapter-${String(index + 1).padStart(3, '0')}.xhtml`;

function packageDocument(version: '2.0' | '3.0', options: Resolved, chapters: Chapter[], coverFile: string): string {
  const epub3 = version === '3.0';
  const meta: string[] = ['<dc:identifier id="book-id">urn:uuid:6f1c7a52-3d9e-4c1b-9a57-1e2f3a4b5c6d</dc:identifier>'];
  if (options.isbn)
    meta.push(`<dc:identifier${epub3 ? '' : ' opf:scheme="ISBN"'}>urn:isbn:${escapeXml(options.isbn)}</dc:identifier>`);
  if (options.title !== null) {
    meta.push(`<dc:title id="title">${escapeXml(options.title)}</dc:title>`);
    if (epub3) meta.push('<meta refines="#title" property="title-type">main</meta>');
  }
  // EPUB 2 has no title types, so no way to say a second dc:title is a subtitle: it gets none.
  if (options.subtitle && epub3) {
    meta.push(`<dc:title id="subtitle">${escapeXml(options.subtitle)}</dc:title>`);
    meta.push('<meta refines="#subtitle" property="title-type">subtitle</meta>');
  }
  options.authors.forEach((creator, index) => {
    const { name, role } = typeof creator === 'string' ? { name: creator, role: 'aut' } : creator;
    if (epub3) {
      meta.push(`<dc:creator id="creator-${index}">${escapeXml(name)}</dc:creator>`);
      meta.push(`<meta refines="#creator-${index}" property="role" scheme="marc:relators">${role}</meta>`);
    } else meta.push(`<dc:creator opf:role="${role}">${escapeXml(name)}</dc:creator>`);
  });
  if (options.publisher) meta.push(`<dc:publisher>${escapeXml(options.publisher)}</dc:publisher>`);
  if (options.language) meta.push(`<dc:language>${escapeXml(options.language)}</dc:language>`);
  if (options.description) meta.push(`<dc:description>${escapeXml(options.description)}</dc:description>`);
  if (options.date)
    meta.push(`<dc:date${epub3 ? '' : ' opf:event="publication"'}>${escapeXml(options.date)}</dc:date>`);
  if (epub3) meta.push('<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>');
  const declaredCover = options.cover === 'png' || options.cover === 'jpeg';
  if (declaredCover) meta.push('<meta name="cover" content="cover-image"/>');

  const coverType = options.cover === 'png' ? 'image/png' : 'image/jpeg';
  const items = [
    epub3
      ? '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
      : '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
    '<item id="css" href="styles/book.css" media-type="text/css"/>',
    ...(options.cover === false
      ? []
      : [
          `<item id="cover-image" href="${coverFile}" media-type="${coverType}"${epub3 && declaredCover ? ' properties="cover-image"' : ''}/>`,
        ]),
    ...(options.encryption ? ['<item id="font" href="fonts/book.otf" media-type="font/otf"/>'] : []),
    ...chapters.map(
      (chapter, i) => `<item id="c${i + 1}" href="text/${chapter.file}" media-type="application/xhtml+xml"/>`,
    ),
    ...options.illustrations.map(
      (_, i) => `<item id="illustration-${i + 1}" href="${illustrationFile(i)}" media-type="image/png"/>`,
    ),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="${version}" unique-identifier="book-id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    ${meta.join('\n    ')}
  </metadata>
  <manifest>
    ${items.join('\n    ')}
  </manifest>
  <spine${epub3 ? '' : ' toc="ncx"'}>
    ${chapters.map((_, i) => `<itemref idref="c${i + 1}"/>`).join('\n    ')}
  </spine>
</package>
`;
}

function navDocument(options: Resolved, chapters: Chapter[]): string {
  const toc = options.toc
    ? chapters.map((chapter) => `<li><a href="text/${chapter.file}">${escapeXml(chapter.title)}</a></li>`)
    : [];
  const pages = chapters.flatMap((chapter) =>
    chapter.pages.map((page) => `<li><a href="text/${chapter.file}#page-${page}">${page}</a></li>`),
  );
  const pageList = options.pageList ? `<nav epub:type="page-list" hidden=""><ol>${pages.join('')}</ol></nav>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Table des matières</title></head>
<body>
  <nav epub:type="toc" id="toc"><h1>Table des matières</h1><ol>${toc.join('')}</ol></nav>
  ${pageList}
</body>
</html>
`;
}

function ncxDocument(options: Resolved, chapters: Chapter[]): string {
  const points = options.toc
    ? chapters.map(
        (chapter, i) =>
          `<navPoint id="n${i + 1}" playOrder="${i + 1}"><navLabel><text>${escapeXml(chapter.title)}</text></navLabel><content src="text/${chapter.file}"/></navPoint>`,
      )
    : [];
  const targets = chapters.flatMap((chapter) =>
    chapter.pages.map(
      (page) =>
        `<pageTarget id="p${page}" type="normal" value="${page}"><navLabel><text>${page}</text></navLabel><content src="text/${chapter.file}#page-${page}"/></pageTarget>`,
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="urn:uuid:6f1c7a52-3d9e-4c1b-9a57-1e2f3a4b5c6d"/></head>
  <docTitle><text>${escapeXml(options.title ?? '')}</text></docTitle>
  <navMap>${points.join('')}</navMap>
  ${options.pageList ? `<pageList>${targets.join('')}</pageList>` : ''}
</ncx>
`;
}

function encryptionXml(kind: 'content' | 'fonts', chapters: Chapter[]): string {
  // Adobe's font obfuscation is not DRM (the font is de-obfuscated with the book's identifier); AES over
  // the chapters is.
  const targets =
    kind === 'fonts'
      ? [{ algorithm: 'http://www.idpf.org/2008/embedding', uri: FONT_PATH }]
      : chapters.map((chapter) => ({
          algorithm: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
          uri: `OEBPS/text/${chapter.file}`,
        }));
  const data = targets.map(
    ({ algorithm, uri }) => `  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="${algorithm}"/>
    <enc:CipherData><enc:CipherReference URI="${uri}"/></enc:CipherData>
  </enc:EncryptedData>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
${data.join('\n')}
</encryption>
`;
}

function xhtml(language: string, title: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${escapeXml(language)}">
<head><title>${escapeXml(title)}</title><link rel="stylesheet" type="text/css" href="../styles/book.css"/></head>
<body>
${body}
</body>
</html>
`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const CONTAINER = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`;
