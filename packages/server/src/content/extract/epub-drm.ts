import type { Epub } from '../epub.ts';
import { resolveHref } from '../paths.ts';
import { attributeOf, descendantsOf, parseXml } from '../xml.ts';

const ENCRYPTION = 'META-INF/encryption.xml';
const FONT_EXTENSIONS = /\.(otf|ttf|woff2?|pfb|pfm)$/i;

export interface EpubEncryption {
  /** Content (not only fonts) is encrypted: the book cannot be read without its DRM. */
  drm: boolean;
  /** Paths inside the archive that encryption.xml lists. */
  encrypted: Set<string>;
}

/**
 * What META-INF/encryption.xml encrypts. Publishers obfuscate embedded fonts (IDPF/Adobe font
 * mangling), which readers undo with the book's identifier: that is not DRM. Anything else listed
 * (chapters, images) is, as is an encryption.xml too broken to tell.
 */
export function epubEncryption(epub: Epub): EpubEncryption {
  const xml = epub.files.get(ENCRYPTION);
  if (!xml) return { drm: false, encrypted: new Set() };
  let references: string[];
  try {
    references = descendantsOf(parseXml(xml), 'EncryptedData').flatMap((data) =>
      descendantsOf(data, 'CipherReference').map((reference) => attributeOf(reference, 'URI') ?? ''),
    );
  } catch {
    return { drm: true, encrypted: new Set() };
  }
  // URIs are relative to the root of the container.
  const encrypted = new Set(references.map((uri) => resolveHref('root', uri)).filter((path) => path !== null));
  const fonts = new Set(
    epub.resources.filter((resource) => /font/i.test(resource.mediaType)).map((resource) => resource.href),
  );
  const drm = [...encrypted].some((path) => !fonts.has(path) && !FONT_EXTENSIONS.test(path));
  return { drm, encrypted };
}
