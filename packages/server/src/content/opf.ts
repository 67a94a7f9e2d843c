import { BookFileError } from './book-file-error.ts';
import type { EpubCreator, EpubMetadata, EpubResource } from './epub.ts';
import { resolveHref } from './paths.ts';
import { attributeOf, childrenOf, parseXml, textOf, type XmlElement, xmlFault } from './xml.ts';

/** What an editor can do about a broken EPUB, appended to the refusals of a damaged package. */
export const EXPORT_AGAIN = ' Export the book again from your EPUB editor (Sigil, Calibre, InDesign…).';

export interface PackageDocument {
  version: string;
  metadata: EpubMetadata;
  resources: EpubResource[];
  spine: EpubResource[];
  cover: EpubResource | null;
  /** EPUB 2's NCX (the spine's `toc` attribute), if any. */
  ncx: EpubResource | null;
}

/** Reads the package document (OPF) at `opfPath`. */
export function readPackageDocument(opfPath: string, bytes: Uint8Array): PackageDocument {
  let root: XmlElement | undefined;
  try {
    root = childrenOf(parseXml(bytes), 'package')[0];
  } catch (error) {
    throw new BookFileError(
      'BAD_OPF',
      `The package document ${opfPath} is not well-formed XML (${xmlFault(error)}).${EXPORT_AGAIN}`,
    );
  }
  if (!root)
    throw new BookFileError('BAD_OPF', `The package document ${opfPath} has no <package> element.${EXPORT_AGAIN}`);
  const metadataNode = childrenOf(root, 'metadata')[0];
  if (!metadataNode)
    throw new BookFileError('BAD_OPF', `The package document ${opfPath} has no <metadata>.${EXPORT_AGAIN}`);

  const resources = childrenOf(childrenOf(root, 'manifest')[0], 'item').flatMap((item) => {
    const id = attributeOf(item, 'id');
    const rawHref = attributeOf(item, 'href');
    const href = rawHref === null ? null : resolveHref(opfPath, rawHref);
    if (!id || !href) return [];
    const properties = (attributeOf(item, 'properties') ?? '').split(/\s+/).filter(Boolean);
    return [{ id, href, mediaType: attributeOf(item, 'media-type') ?? 'application/octet-stream', properties }];
  });
  const byId = new Map(resources.map((resource) => [resource.id, resource]));
  const spineNode = childrenOf(root, 'spine')[0];
  const spine = childrenOf(spineNode, 'itemref').flatMap((itemref) => {
    const resource = byId.get(attributeOf(itemref, 'idref') ?? '');
    return resource ? [resource] : [];
  });
  if (spine.length === 0)
    throw new BookFileError('BAD_OPF', `The package document ${opfPath} lists no chapter in its spine.${EXPORT_AGAIN}`);

  const metas = childrenOf(metadataNode, 'meta');
  // EPUB 3 marks the cover image with a property; EPUB 2 names its id in <meta name="cover">.
  const epub2CoverId = attributeOf(
    metas.find((meta) => attributeOf(meta, 'name') === 'cover'),
    'content',
  );
  const cover =
    resources.find((resource) => resource.properties.includes('cover-image')) ?? byId.get(epub2CoverId ?? '') ?? null;
  const ncx = byId.get(attributeOf(spineNode, 'toc') ?? '') ?? null;

  return {
    version: attributeOf(root, 'version') ?? '2.0',
    metadata: readMetadata(opfPath, metadataNode, attributeOf(root, 'unique-identifier')),
    resources,
    spine,
    cover,
    ncx,
  };
}

function readMetadata(opfPath: string, node: XmlElement, uniqueIdentifierId: string | null): EpubMetadata {
  const metas = childrenOf(node, 'meta');
  // EPUB 3 refines a title or a creator by id (`<meta refines="#t2" property="title-type">subtitle`).
  const refinement = (id: string | null, property: string) =>
    id
      ? metas.find((meta) => attributeOf(meta, 'refines') === `#${id}` && attributeOf(meta, 'property') === property)
      : undefined;

  const titles = childrenOf(node, 'title').map((title) => ({
    text: textOf(title),
    type: textOf(refinement(attributeOf(title, 'id'), 'title-type')) || null,
  }));
  const main =
    titles.find((title) => title.type === 'main') ?? titles.find((title) => title.type === null) ?? titles[0];
  if (!main?.text)
    throw new BookFileError(
      'MISSING_TITLE',
      `The package document ${opfPath} has no title (dc:title): add one in your EPUB editor and export again.`,
    );
  const subtitle = titles.find((title) => title.type === 'subtitle')?.text ?? null;

  const creators: EpubCreator[] = childrenOf(node, 'creator')
    .map((creator) => ({
      name: textOf(creator),
      role: attributeOf(creator, 'role') ?? (textOf(refinement(attributeOf(creator, 'id'), 'role')) || null),
    }))
    .filter((creator) => creator.name);

  const identifiers = childrenOf(node, 'identifier');
  const unique =
    identifiers.find((identifier) => attributeOf(identifier, 'id') === uniqueIdentifierId) ?? identifiers[0];
  const isbn =
    identifiers
      .map((identifier) =>
        textOf(identifier)
          .replace(/^urn:isbn:/i, '')
          .replace(/[\s-]/g, ''),
      )
      .find((value) => /^(97[89]\d{10}|\d{9}[\dX])$/i.test(value)) ?? null;

  const modified =
    textOf(metas.find((meta) => attributeOf(meta, 'property') === 'dcterms:modified')) ||
    textOf(childrenOf(node, 'date').find((date) => attributeOf(date, 'event') === 'modification')) ||
    null;

  return {
    title: main.text,
    subtitle,
    creators,
    language: textOf(childrenOf(node, 'language')[0]) || null,
    publisher: textOf(childrenOf(node, 'publisher')[0]) || null,
    description: textOf(childrenOf(node, 'description')[0]) || null,
    identifier: unique ? textOf(unique) || null : null,
    isbn,
    identifiers: identifiers.map((identifier) => textOf(identifier)).filter(Boolean),
    dates: childrenOf(node, 'date').map((date) => ({ value: textOf(date), event: attributeOf(date, 'event') })),
    modified,
  };
}
