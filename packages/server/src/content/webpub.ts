// The Readium Web Publication Manifest (https://readium.org/webpub-manifest/) as Coko writes it:
// the parts a reader needs, with EPUB's profile. Pure types: the access route runs on Deno too.

export const WEBPUB_CONTEXT = 'https://readium.org/webpub-manifest/context.jsonld';
export const WEBPUB_MEDIA_TYPE = 'application/webpub+json';
export const EPUB_PROFILE = 'https://readium.org/webpub-manifest/profiles/epub';

export interface WebPubLink {
  href: string;
  type?: string;
  rel?: string;
  title?: string;
  children?: WebPubLink[];
}

export interface WebPubContributor {
  name: string;
  role?: string;
}

export interface WebPubMetadata {
  '@type': 'http://schema.org/Book';
  conformsTo: typeof EPUB_PROFILE;
  title: string;
  subtitle?: string;
  identifier?: string;
  author?: WebPubContributor[];
  contributor?: WebPubContributor[];
  language?: string;
  publisher?: string;
  description?: string;
  modified?: string;
  numberOfPages?: number;
}

export interface WebPubManifest {
  '@context': typeof WEBPUB_CONTEXT;
  metadata: WebPubMetadata;
  links: WebPubLink[];
  readingOrder: WebPubLink[];
  resources: WebPubLink[];
  toc: WebPubLink[];
  pageList?: WebPubLink[];
}
