import { BookFileError } from './book-file-error.ts';
import type { Epub } from './epub.ts';
import { readNavDocument, readNcx } from './navigation.ts';
import { EXPORT_AGAIN, readPackageDocument } from './opf.ts';
import { type UnzipLimits, unzipArchive } from './unzip.ts';
import { attributeOf, childrenOf, parseXml, xmlFault } from './xml.ts';

const EPUB_MIMETYPE = 'application/epub+zip';
const CONTAINER = 'META-INF/container.xml';

/**
 * Reads an EPUB (2 or 3): container → package document → metadata, manifest, spine, cover, toc
 * (EPUB 3 nav, else EPUB 2 NCX) and page list. Throws an `BookFileError` whose `reason` says why a file
 * is not a usable EPUB.
 *
 * @example
 * const epub = readEpub(await readFile('book.epub'));
 * epub.metadata.title; epub.spine.map((item) => item.href);
 */
export function readEpub(bytes: Uint8Array, limits?: UnzipLimits): Epub {
  const files = unzipArchive(bytes, limits);
  const mimetype = files.get('mimetype');
  if (!mimetype || new TextDecoder().decode(mimetype).trim() !== EPUB_MIMETYPE)
    throw new BookFileError(
      'BAD_MIMETYPE',
      `The file is a zip archive but not an EPUB: its mimetype entry must say ${EPUB_MIMETYPE}.${EXPORT_AGAIN}`,
    );
  const container = files.get(CONTAINER);
  if (!container) throw new BookFileError('MISSING_CONTAINER', `The archive has no ${CONTAINER}.${EXPORT_AGAIN}`);
  const opfPath = packagePath(container);
  const opf = files.get(opfPath);
  if (!opf)
    throw new BookFileError(
      'MISSING_OPF',
      `The package document ${opfPath} named by ${CONTAINER} is missing.${EXPORT_AGAIN}`,
    );

  const pkg = readPackageDocument(opfPath, opf);
  const nav = pkg.resources.find((resource) => resource.properties.includes('nav'));
  const navBytes = nav && files.get(nav.href);
  const ncxBytes = pkg.ncx && files.get(pkg.ncx.href);
  const fromNav = navBytes && nav ? readNavDocument(nav.href, navBytes) : null;
  const fromNcx = ncxBytes && pkg.ncx ? readNcx(pkg.ncx.href, ncxBytes) : null;
  return {
    version: pkg.version,
    opfPath,
    metadata: pkg.metadata,
    resources: pkg.resources,
    spine: pkg.spine,
    cover: pkg.cover && files.has(pkg.cover.href) ? pkg.cover : null,
    toc: fromNav?.toc.length ? fromNav.toc : (fromNcx?.toc ?? []),
    pageList: fromNav?.pageList.length ? fromNav.pageList : (fromNcx?.pageList ?? []),
    files,
  };
}

function packagePath(container: Uint8Array): string {
  let rootfiles: ReturnType<typeof childrenOf>;
  try {
    rootfiles = childrenOf(childrenOf(childrenOf(parseXml(container), 'container')[0], 'rootfiles')[0], 'rootfile');
  } catch (error) {
    throw new BookFileError(
      'BAD_CONTAINER',
      `${CONTAINER} is not well-formed XML (${xmlFault(error)}).${EXPORT_AGAIN}`,
    );
  }
  const rootfile =
    rootfiles.find((candidate) => attributeOf(candidate, 'media-type') === 'application/oebps-package+xml') ??
    rootfiles[0];
  const path = attributeOf(rootfile, 'full-path');
  if (!path)
    throw new BookFileError(
      'BAD_CONTAINER',
      `${CONTAINER} names no package document (rootfile full-path).${EXPORT_AGAIN}`,
    );
  return path;
}
