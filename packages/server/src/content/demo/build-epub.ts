import { type Zippable, zipSync } from 'fflate';

export interface DemoChapter {
  title: string;
  paragraphs: string[];
}

export interface DemoEpubInput {
  /** The book's unique identifier (urn:uuid:… or an ISBN). */
  identifier: string;
  isbn: string | null;
  title: string;
  subtitle: string | null;
  author: string;
  publisher: string;
  language: string;
  /** dcterms:modified, fixed so that the same input gives the same bytes. */
  modified: string;
  chapters: DemoChapter[];
  coverJpeg: Uint8Array;
  /** Characters of text per printed page, for the page list (pagebreak markers). */
  charactersPerPage: number;
}

// Fixed timestamps in the zip: the same book gives the same bytes, so its ETag never churns.
const ZIP_TIME = new Date('2026-01-01T00:00:00Z');
const encode = (text: string) => new TextEncoder().encode(text);

/**
 * A valid EPUB 3: `mimetype` first and stored, container, package document, navigation document
 * (toc and page list), one XHTML file per chapter with page-break markers, a stylesheet and a cover.
 */
export function buildDemoEpub(input: DemoEpubInput): Uint8Array {
  const pages: { number: number; chapter: number }[] = [];
  let page = 1;
  let sinceBreak = 0;
  const chapters = input.chapters.map((chapter, index) => {
    // Each chapter starts on a new page, as in print.
    if (index > 0) page += 1;
    sinceBreak = 0;
    const firstPage = page;
    pages.push({ number: page, chapter: index });
    const body = chapter.paragraphs.map((paragraph) => {
      sinceBreak += paragraph.length;
      if (sinceBreak < input.charactersPerPage) return `<p>${escapeXml(paragraph)}</p>`;
      sinceBreak = 0;
      page += 1;
      pages.push({ number: page, chapter: index });
      return `<p>${escapeXml(paragraph)}</p>${pageBreak(page)}`;
    });
    const heading = `${pageBreak(firstPage)}<h1>${escapeXml(chapter.title)}</h1>`;
    return xhtml(input.language, chapter.title, `${heading}\n${body.join('\n')}`);
  });
  const files: Zippable = {
    mimetype: [encode('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': encode(CONTAINER),
    'OEBPS/content.opf': encode(packageDocument(input)),
    'OEBPS/nav.xhtml': encode(navDocument(input, pages)),
    'OEBPS/styles/book.css': encode(STYLESHEET),
    'OEBPS/images/cover.jpg': [input.coverJpeg, { level: 0 }],
    'OEBPS/text/cover.xhtml': encode(
      xhtml(
        input.language,
        input.title,
        `<img class="cover" src="../images/cover.jpg" alt="${escapeXml(input.title)}"/>`,
      ),
    ),
  };
  chapters.forEach((chapter, index) => {
    files[`OEBPS/text/${chapterFile(index)}`] = encode(chapter);
  });
  return zipSync(files, { level: 9, mtime: ZIP_TIME });
}

const chapterFile = (index: number) => `chapter-${String(index + 1).padStart(3, '0')}.xhtml`;
const pageBreak = (n: number) =>
  `<span epub:type="pagebreak" role="doc-pagebreak" id="page-${n}" aria-label="${n}"></span>`;

function packageDocument(input: DemoEpubInput): string {
  const chapters = input.chapters.map((_, i) => i);
  return `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${input.language}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">${escapeXml(input.identifier)}</dc:identifier>
${input.isbn ? `    <dc:identifier id="isbn">urn:isbn:${input.isbn}</dc:identifier>\n` : ''}    <dc:title id="title">${escapeXml(input.title)}</dc:title>
    <meta refines="#title" property="title-type">main</meta>
${input.subtitle ? `    <dc:title id="subtitle">${escapeXml(input.subtitle)}</dc:title>\n    <meta refines="#subtitle" property="title-type">subtitle</meta>\n` : ''}    <dc:creator id="author">${escapeXml(input.author)}</dc:creator>
    <meta refines="#author" property="role" scheme="marc:relators">aut</meta>
    <dc:publisher>${escapeXml(input.publisher)}</dc:publisher>
    <dc:language>${input.language}</dc:language>
    <meta property="dcterms:modified">${input.modified}</meta>
    <meta name="cover" content="cover-image"/>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="css" href="styles/book.css" media-type="text/css"/>
    <item id="cover-image" href="images/cover.jpg" media-type="image/jpeg" properties="cover-image"/>
    <item id="cover" href="text/cover.xhtml" media-type="application/xhtml+xml"/>
${chapters.map((i) => `    <item id="c${i + 1}" href="text/${chapterFile(i)}" media-type="application/xhtml+xml"/>`).join('\n')}
  </manifest>
  <spine>
    <itemref idref="cover" linear="no"/>
${chapters.map((i) => `    <itemref idref="c${i + 1}"/>`).join('\n')}
  </spine>
</package>
`;
}

function navDocument(input: DemoEpubInput, pages: { number: number; chapter: number }[]): string {
  const toc = input.chapters
    .map((chapter, i) => `      <li><a href="text/${chapterFile(i)}">${escapeXml(chapter.title)}</a></li>`)
    .join('\n');
  const pageList = pages
    .map(({ number, chapter }) => `      <li><a href="text/${chapterFile(chapter)}#page-${number}">${number}</a></li>`)
    .join('\n');
  const tocTitle = input.language.startsWith('fr') ? 'Table des matières' : 'Contents';
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${input.language}" lang="${input.language}">
<head><title>${tocTitle}</title></head>
<body>
  <nav epub:type="toc" id="toc">
    <h1>${tocTitle}</h1>
    <ol>
${toc}
    </ol>
  </nav>
  <nav epub:type="page-list" hidden="">
    <ol>
${pageList}
    </ol>
  </nav>
</body>
</html>
`;
}

function xhtml(language: string, title: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${language}" lang="${language}">
<head><meta charset="utf-8"/><title>${escapeXml(title)}</title><link rel="stylesheet" type="text/css" href="../styles/book.css"/></head>
<body>
${body}
</body>
</html>
`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CONTAINER = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`;

const STYLESHEET = `body { font-family: serif; line-height: 1.5; margin: 0 5%; }
h1 { font-size: 1.5em; margin: 2em 0 1em; text-align: center; }
p { margin: 0; text-indent: 1.5em; text-align: justify; hyphens: auto; }
img.cover { display: block; max-width: 100%; max-height: 100vh; margin: 0 auto; }
`;
