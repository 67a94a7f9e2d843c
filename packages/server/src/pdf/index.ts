// What Coko's PDFs share (notes exports, receipts): the font, fontkit, pdf-lib, glyph substitution.
export {
  DEJAVU_SANS,
  loadDejaVuFonts,
  loadFontkit,
  type PdfFontLoader,
  type PdfFonts,
  PdfUnavailableError,
  readPackageFile,
} from './fonts.ts';
export { GlyphFilter } from './glyphs.ts';
export { loadPdfLib, type PdfLib } from './lib.ts';
