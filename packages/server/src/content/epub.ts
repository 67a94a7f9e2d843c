// What readEpub finds in an EPUB. Every href is a path inside the archive (resolved against the
// file that referenced it), so it is also the path under the exploded `epub/` folder in storage.

export interface EpubCreator {
  name: string;
  /** MARC relator code (`aut`, `ill`, `trl`…) when the EPUB gives one. */
  role: string | null;
}

export interface EpubMetadata {
  title: string;
  subtitle: string | null;
  creators: EpubCreator[];
  language: string | null;
  publisher: string | null;
  description: string | null;
  /** The package's unique identifier (`unique-identifier`), as written. */
  identifier: string | null;
  /** An ISBN-13 or ISBN-10 among the identifiers, digits (and X) only. */
  isbn: string | null;
  /** Every dc:identifier, as written (an ISBN may be any of them). */
  identifiers: string[];
  /** Every dc:date with its EPUB 2 `opf:event` (publication, creation, modification) or null. */
  dates: { value: string; event: string | null }[];
  /** `dcterms:modified` (EPUB 3) or the modification date (EPUB 2), as written. */
  modified: string | null;
}

export interface EpubResource {
  id: string;
  href: string;
  mediaType: string;
  properties: string[];
}

export interface EpubLink {
  title: string;
  /** Path inside the archive, with its `#fragment` if any. */
  href: string;
  children: EpubLink[];
}

export interface EpubPage {
  label: string;
  href: string;
}

export interface Epub {
  /** `3.0`, `2.0`… from the package. */
  version: string;
  opfPath: string;
  metadata: EpubMetadata;
  /** Every manifest item, in manifest order. */
  resources: EpubResource[];
  /** Spine items in reading order. */
  spine: EpubResource[];
  cover: EpubResource | null;
  toc: EpubLink[];
  pageList: EpubPage[];
  /** Every file of the archive by path (the mimetype and META-INF included). */
  files: ReadonlyMap<string, Uint8Array>;
}
