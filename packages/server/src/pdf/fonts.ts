/// <reference path="./fontkit.d.ts" />
// The font of Coko's PDFs (notes exports, receipts): DejaVu Sans, from the `dejavu-fonts-ttf` npm
// package, and the fontkit that pdf-lib embeds it with. Works on Node and on Deno (with a node_modules
// folder): the TTF files are found by module resolution and read with Deno.readFile or node:fs, loaded
// once per process.

/** TrueType bytes of the two faces. */
export interface PdfFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

/** Where the fonts come from (tests and other deployments can pass their own). */
export type PdfFontLoader = () => Promise<PdfFonts>;

/** A PDF cannot be made here: its font or its PDF library could not be loaded. */
export class PdfUnavailableError extends Error {
  override readonly name = 'PdfUnavailableError';
}

/**
 * DejaVu Sans covers Latin (with the letters of Wolof, Fula, Bambara, Hausa…: ŋ ɗ ɓ ƴ ɲ ɛ ɔ), Greek,
 * Cyrillic, Arabic basics, many symbols and monochrome emoji faces; pdf-lib subsets it per document.
 */
export const DEJAVU_SANS = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
} as const;

interface DenoLike {
  readFile(path: URL): Promise<Uint8Array>;
}

interface NodeProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

/** Places a package file may be, most precise first. */
function candidateUrls(specifier: string): URL[] {
  const urls: URL[] = [];
  // Node ≥ 20.6 and Deno (node_modules resolution or an import map entry).
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve === 'function') {
    try {
      urls.push(new URL(resolve.call(import.meta, specifier)));
    } catch {
      // not resolvable here
    }
  }
  // Node without import.meta.resolve (some test runners transform it away).
  const process = (globalThis as { process?: NodeProcessLike }).process;
  if (typeof process?.getBuiltinModule === 'function') {
    try {
      const { createRequire } = process.getBuiltinModule('node:module') as {
        createRequire(from: string): { resolve(id: string): string };
      };
      const { pathToFileURL } = process.getBuiltinModule('node:url') as { pathToFileURL(path: string): URL };
      urls.push(pathToFileURL(createRequire(import.meta.url).resolve(specifier)));
    } catch {
      // not resolvable here
    }
  }
  // The package's node_modules next to these sources (packages/server/node_modules).
  urls.push(new URL(`../../node_modules/${specifier}`, import.meta.url));
  return urls.filter((url) => url.protocol === 'file:' || url.protocol === 'https:' || url.protocol === 'http:');
}

async function readUrl(url: URL): Promise<Uint8Array> {
  if (url.protocol !== 'file:') {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno) return deno.readFile(url);
  // Node, without a static `node:` import (the Deno type-check would need @types/node for it).
  const process = (globalThis as { process?: NodeProcessLike }).process;
  const fsId = 'node:fs/promises';
  const fs = (process?.getBuiltinModule?.(fsId) ?? (await import(fsId))) as {
    readFile(path: URL): Promise<Uint8Array>;
  };
  return new Uint8Array(await fs.readFile(url));
}

/** The bytes of a file of an npm package, wherever this runtime finds it. */
export async function readPackageFile(specifier: string): Promise<Uint8Array> {
  const tried: string[] = [];
  for (const url of candidateUrls(specifier)) {
    try {
      return await readUrl(url);
    } catch (error) {
      tried.push(`${url.href} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  throw new PdfUnavailableError(`Cannot read ${specifier}; tried ${tried.join(', ') || 'nothing'}`);
}

let cached: Promise<PdfFonts> | undefined;

/** DejaVu Sans regular and bold, read once per process (a failure is retried on the next call). */
export const loadDejaVuFonts: PdfFontLoader = () => {
  cached ??= Promise.all([readPackageFile(DEJAVU_SANS.regular), readPackageFile(DEJAVU_SANS.bold)]).then(
    ([regular, bold]) => ({ regular, bold }),
    (error: unknown) => {
      cached = undefined;
      throw error;
    },
  );
  return cached;
};

// fontkit as pdf-lib's registerFontkit expects it. pdf-lib 1.17 was built against its own fork
// (@pdf-lib/fontkit, a fontkit 1.7 that writes broken TrueType subsets for fonts with a long `loca`
// table, such as DejaVu: glyphs silently go blank). Upstream fontkit 2 subsets correctly but
// replaced `subset.encodeStream()` with `subset.encode()`: this adapter gives pdf-lib the stream API.

interface FontkitSubset {
  encode(): Uint8Array;
  encodeStream?: () => unknown;
}

interface FontkitFont {
  createSubset(): FontkitSubset;
}

interface FontkitModule {
  create(buffer: Uint8Array, postscriptName?: string): FontkitFont;
}

type Handler = (value?: unknown) => void;

function withEncodeStream(subset: FontkitSubset): FontkitSubset {
  subset.encodeStream = () => {
    const handlers: Record<string, Handler> = {};
    const stream = {
      on(event: string, handler: Handler) {
        handlers[event] = handler;
        return stream;
      },
    };
    queueMicrotask(() => {
      let bytes: Uint8Array;
      try {
        bytes = subset.encode();
      } catch (error) {
        handlers.error?.(error);
        return;
      }
      handlers.data?.(bytes);
      handlers.end?.();
    });
    return stream;
  };
  return subset;
}

let fontkitPromise: Promise<FontkitModule> | undefined;

/** Upstream fontkit, shaped for `PDFDocument.registerFontkit`. */
export function loadFontkit(): Promise<FontkitModule> {
  fontkitPromise ??= import('fontkit').then(
    (module: unknown) => {
      // ESM builds export `create`; a CommonJS interop may put it under `default`.
      const namespace = module as Partial<FontkitModule> & { default?: FontkitModule };
      const fontkit = typeof namespace.create === 'function' ? (namespace as FontkitModule) : namespace.default;
      if (typeof fontkit?.create !== 'function') throw new Error('fontkit has no create()');
      // pdf-lib parses the font again for every document; the first layout of a parsed DejaVu costs
      // ~150 ms (its GSUB/GPOS tables), so a font read once per process is parsed once too. Subsets are
      // still made per document; the parsed font is only read from.
      const parsed = new WeakMap<Uint8Array, FontkitFont>();
      return {
        create(buffer: Uint8Array, postscriptName?: string) {
          const known = postscriptName === undefined ? parsed.get(buffer) : undefined;
          if (known) return known;
          const font = fontkit.create(buffer, postscriptName);
          const createSubset = font.createSubset.bind(font);
          font.createSubset = () => withEncodeStream(createSubset());
          if (postscriptName === undefined) parsed.set(buffer, font);
          return font;
        },
      };
    },
    (error: unknown) => {
      fontkitPromise = undefined;
      throw new PdfUnavailableError(`Cannot load fontkit: ${error instanceof Error ? error.message : error}`);
    },
  );
  return fontkitPromise;
}
