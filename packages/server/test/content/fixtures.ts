import { type Zippable, zipSync } from 'fflate';
import type { DemoBookText } from '../../src/content/demo/book-text.ts';
import { DEMO_BOOKS, type DemoBookShape, seedBookId } from '../../src/content/demo/catalog.ts';
import { generateDemoFile } from '../../src/content/demo/generate.ts';

const encode = (text: string) => new TextEncoder().encode(text);

export const SAMPLE_BOOK: DemoBookText = {
  id: seedBookId(1),
  title: 'Soundjata, le lion du Manding',
  subtitle: 'L’épopée racontée aux enfants',
  authors: ['Aminata Diallo', 'Moussa Traoré'],
  publisher: 'Éditions Teranga Plume',
  language: 'fr',
  isbn: '9782731000148',
};

/** The demo shape of seed book `n`. */
export function demoShape(n: number): DemoBookShape {
  const shape = DEMO_BOOKS.find((book) => book.seed === n);
  if (!shape) throw new Error(`no demo book ${n}`);
  return shape;
}

/** A short generated demo EPUB (seed book 2's shape). */
export function sampleEpub(): Promise<Uint8Array> {
  return generateDemoFile(SAMPLE_BOOK, demoShape(2));
}

export const CONTAINER = `<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>`;

/** A minimal EPUB 2 (NCX toc, cover named by <meta name="cover">, page list in the NCX). */
export function epub2Files(): Zippable {
  return {
    mimetype: [encode('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': encode(CONTAINER),
    'OPS/book.opf': encode(`<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:title>Contes du soir</dc:title>
    <dc:creator opf:role="aut">Awa Ndiaye</dc:creator>
    <dc:creator opf:role="ill">Kofi Mensah</dc:creator>
    <dc:identifier id="uid">urn:uuid:0b0c7e3a-1111-4aaa-8bbb-222233334444</dc:identifier>
    <dc:identifier opf:scheme="ISBN">978-2-7310-0014-8</dc:identifier>
    <dc:language>fr</dc:language>
    <dc:date opf:event="modification">2024-05-01</dc:date>
    <meta name="cover" content="cover-img"/>
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="cover-img" href="images/cover%20art.png" media-type="image/png"/>
    <item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/>
    <item id="c2" href="text/two.xhtml" media-type="application/xhtml+xml"/>
    <item id="css" href="style.css" media-type="text/css"/>
  </manifest>
  <spine toc="ncx"><itemref idref="c2"/><itemref idref="c1"/></spine>
</package>`),
    'OPS/toc.ncx': encode(`<?xml version="1.0"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <navMap>
    <navPoint id="n1"><navLabel><text>Premier conte</text></navLabel><content src="text/two.xhtml"/>
      <navPoint id="n2"><navLabel><text>La suite</text></navLabel><content src="text/two.xhtml#suite"/></navPoint>
    </navPoint>
    <navPoint id="n3"><navLabel><text>Second conte</text></navLabel><content src="text/one.xhtml"/></navPoint>
  </navMap>
  <pageList>
    <pageTarget id="p1" type="normal" value="1"><navLabel><text>1</text></navLabel><content src="text/two.xhtml#p1"/></pageTarget>
    <pageTarget id="p2" type="normal" value="2"><navLabel><text>2</text></navLabel><content src="text/one.xhtml#p2"/></pageTarget>
  </pageList>
</ncx>`),
    'OPS/images/cover art.png': encode('not really a png'),
    'OPS/text/one.xhtml': encode('<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Un</p></body></html>'),
    'OPS/text/two.xhtml': encode('<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Deux</p></body></html>'),
    'OPS/style.css': encode('p { margin: 0 }'),
  };
}

export function zip(files: Zippable): Uint8Array {
  return zipSync(files);
}
