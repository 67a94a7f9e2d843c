// What an embedded font can draw: text is filtered before layout so a missing glyph becomes a visible □
// instead of an invisible .notdef box, and widths are measured on what is really drawn.
import type { PDFFont } from 'pdf-lib';

/** Code points each embedded font has a glyph for, and what to draw instead of the others. */
export class GlyphFilter {
  readonly #characters: Set<number>;
  readonly #replacement: string;

  constructor(font: PDFFont) {
    this.#characters = new Set(font.getCharacterSet());
    this.#replacement = this.#characters.has(0x25a1) ? '\u25A1' : '?';
  }

  /**
   * The text with every character the font lacks replaced by □ (or ?), and invisible format characters the
   * font lacks (emoji variation selectors, joiners, skin tones, tags) dropped.
   */
  filter(text: string): string {
    let out = '';
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0;
      if (this.#characters.has(code) || code === 0x20 || code === 0x0a) out += char;
      else if (
        (code >= 0xfe00 && code <= 0xfe0f) ||
        (code >= 0x200b && code <= 0x200f) ||
        code === 0x00ad ||
        code === 0x2060 ||
        code === 0xfeff ||
        (code >= 0x1f3fb && code <= 0x1f3ff) ||
        (code >= 0xe0000 && code <= 0xe007f)
      ) {
        // invisible: nothing to draw
      } else if (code === 0xa0 || code === 0x202f || code === 0x2009)
        out += this.#characters.has(0xa0) ? '\u00A0' : ' ';
      else out += this.#replacement;
    }
    return out;
  }
}
