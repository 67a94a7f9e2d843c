// PDF rendering of a notes document with pdf-lib: A4 pages, DejaVu Sans embedded as a subset (any
// Latin letter readers use, not just WinAnsi), word wrapping, page breaks anywhere in long texts,
// page numbers. pdf-lib and fontkit are loaded on first use, so the API starts without them.
import type { PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import {
  GlyphFilter,
  loadDejaVuFonts,
  loadFontkit,
  loadPdfLib,
  type PdfFontLoader,
  type PdfLib,
} from '../pdf/index.ts';
import type { NotesDocument, NotesEntry } from './model.ts';

// A4 in points, margins.
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 56;
const MARGIN_TOP = 60;
const MARGIN_BOTTOM = 64;
const FOOTER_Y = 32;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
// DejaVu Sans vertical metrics (em fractions), to centre the baseline in a line box.
const ASCENT = 0.928;
const DESCENT = 0.236;

type FontName = 'regular' | 'bold';

interface Run {
  text: string;
  font: FontName;
  size: number;
  color: RGB;
}

interface ParagraphOptions {
  /** Left indent in points. */
  indent?: number;
  /** Line height as a multiple of the largest size (default 1.4). */
  leading?: number;
  /** A vertical bar in the indent, on every line (quotes). */
  bar?: RGB | undefined;
}

interface Segment {
  run: Run;
  text: string;
}

const segmenter =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : undefined;

/** User-perceived characters (a letter and its combining accents stay together). */
function graphemes(text: string): string[] {
  return segmenter ? Array.from(segmenter.segment(text), (part) => part.segment) : Array.from(text);
}

// Right-to-left scripts (Hebrew, Arabic and Ajami, Syriac, Thaana, N'Ko… and their presentation forms).
const RTL = '\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF';
const RTL_RUN = new RegExp(`([${RTL}](?:[${RTL}\\s]*[${RTL}])?)`, 'u');

/**
 * The text cut into left-to-right and right-to-left runs, in logical order. fontkit picks one direction per
 * string (from its dominant script) and would mirror a whole line of French around one Arabic word; drawn run
 * by run, each run reads in its own direction (right for RTL words inside a left-to-right paragraph; a full
 * bidi reordering of right-to-left paragraphs is not attempted).
 */
export function directionalRuns(text: string): string[] {
  return text.split(RTL_RUN).filter((part) => part !== '');
}

/** Lays out paragraphs top to bottom, starting a new page when one is full. */
class Writer {
  readonly pages: PDFPage[] = [];
  #page!: PDFPage;
  #y = 0;
  readonly #widths = new Map<string, number>();

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: Record<FontName, PDFFont>,
    private readonly filters: Record<FontName, GlyphFilter>,
    private readonly lib: PdfLib,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.#page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.pages.push(this.#page);
    this.#y = PAGE_HEIGHT - MARGIN_TOP;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.#y - height < MARGIN_BOTTOM && this.#y < PAGE_HEIGHT - MARGIN_TOP) this.newPage();
  }

  gap(height: number): void {
    this.#y -= height;
  }

  rule(color: RGB): void {
    this.ensure(12);
    this.#y -= 6;
    this.#page.drawLine({
      start: { x: MARGIN_X, y: this.#y },
      end: { x: PAGE_WIDTH - MARGIN_X, y: this.#y },
      thickness: 0.6,
      color,
    });
    this.#y -= 6;
  }

  get page(): PDFPage {
    return this.#page;
  }

  get y(): number {
    return this.#y;
  }

  width(text: string, font: FontName, size: number): number {
    const key = `${font}\u0000${size}\u0000${text}`;
    let width = this.#widths.get(key);
    if (width === undefined) {
      width = text === '' ? 0 : this.fonts[font].widthOfTextAtSize(text, size);
      if (text.length <= 64) this.#widths.set(key, width);
    }
    return width;
  }

  /** Wraps runs (which may hold `\n` hard breaks) into lines of at most `maxWidth` points. */
  wrap(runs: Run[], maxWidth: number): Segment[][] {
    const lines: Segment[][] = [];
    let line: Segment[] = [];
    let lineWidth = 0;
    let pendingSpace: Segment | undefined;
    const push = (segment: Segment, width: number) => {
      const last = line[line.length - 1];
      if (last && last.run === segment.run) last.text += segment.text;
      else line.push({ ...segment });
      lineWidth += width;
    };
    const flush = () => {
      lines.push(line);
      line = [];
      lineWidth = 0;
      pendingSpace = undefined;
    };
    for (const run of runs) {
      const text = this.filters[run.font].filter(run.text);
      for (const token of text.match(/\n|[^\S\n]+|[^\s]+/g) ?? []) {
        if (token === '\n') {
          flush();
        } else if (/^\s+$/.test(token)) {
          if (line.length > 0) pendingSpace = { run, text: ' ' };
        } else {
          const spaceWidth = pendingSpace ? this.width(' ', pendingSpace.run.font, pendingSpace.run.size) : 0;
          const wordWidth = this.width(token, run.font, run.size);
          if (lineWidth + spaceWidth + wordWidth <= maxWidth) {
            if (pendingSpace) push(pendingSpace, spaceWidth);
            pendingSpace = undefined;
            push({ run, text: token }, wordWidth);
            continue;
          }
          if (line.length > 0 && wordWidth <= maxWidth) {
            flush();
            push({ run, text: token }, wordWidth);
            continue;
          }
          // A word longer than a line (a URL, a run of letters): break it between characters.
          if (pendingSpace && line.length > 0) {
            push(pendingSpace, spaceWidth);
            pendingSpace = undefined;
          }
          for (const character of graphemes(token)) {
            const characterWidth = this.width(character, run.font, run.size);
            if (lineWidth + characterWidth > maxWidth && line.length > 0) flush();
            push({ run, text: character }, characterWidth);
          }
        }
      }
    }
    if (line.length > 0 || lines.length === 0) lines.push(line);
    return lines;
  }

  paragraph(runs: Run[], options: ParagraphOptions = {}): void {
    const indent = options.indent ?? 0;
    const leading = options.leading ?? 1.4;
    for (const line of this.wrap(runs, CONTENT_WIDTH - indent)) {
      const size = Math.max(...runs.map((run) => run.size), ...line.map((segment) => segment.run.size));
      const lineHeight = size * leading;
      this.ensure(lineHeight);
      const top = this.#y;
      const baseline = top - (lineHeight + (ASCENT - DESCENT) * size) / 2;
      if (options.bar) {
        this.#page.drawRectangle({
          x: MARGIN_X + 1,
          y: top - lineHeight,
          width: 3,
          height: lineHeight,
          color: options.bar,
        });
      }
      let x = MARGIN_X + indent;
      for (const segment of line) {
        const font = this.fonts[segment.run.font];
        for (const piece of directionalRuns(segment.text)) {
          const text = piece.replace(/\s+$/, '');
          if (text !== '') {
            this.#page.drawText(text, { x, y: baseline, size: segment.run.size, font, color: segment.run.color });
          }
          x += font.widthOfTextAtSize(piece, segment.run.size);
        }
      }
      this.#y = top - lineHeight;
    }
  }

  /** `text` cut with an ellipsis to fit `maxWidth`. */
  fit(text: string, font: FontName, size: number, maxWidth: number): string {
    const filtered = this.filters[font].filter(text.replace(/\s+/g, ' '));
    if (this.width(filtered, font, size) <= maxWidth) return filtered;
    const characters = graphemes(filtered);
    let low = 0;
    let high = characters.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.width(`${characters.slice(0, middle).join('')}…`, font, size) <= maxWidth) low = middle;
      else high = middle - 1;
    }
    return `${characters.slice(0, low).join('').trimEnd()}…`;
  }

  color(hex: string | null, fallback: RGB): RGB {
    if (!hex) return fallback;
    const value = Number.parseInt(hex.slice(1), 16);
    return this.lib.rgb(((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255);
  }
}

export interface RenderNotesPdfOptions {
  /** Default: DejaVu Sans from the `dejavu-fonts-ttf` package. */
  fonts?: PdfFontLoader | undefined;
}

/**
 * The export as a PDF. Throws {@link PdfUnavailableError} when pdf-lib, fontkit or the font cannot be
 * loaded on this runtime; never on odd text (missing glyphs are drawn as □).
 */
export async function renderNotesPdf(
  document: NotesDocument,
  options: RenderNotesPdfOptions = {},
): Promise<Uint8Array> {
  const [lib, fontkit, fontBytes] = await Promise.all([
    loadPdfLib(),
    loadFontkit(),
    (options.fonts ?? loadDejaVuFonts)(),
  ]);
  const { PDFDocument, rgb } = lib;
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  const fonts: Record<FontName, PDFFont> = {
    regular: await doc.embedFont(fontBytes.regular, { subset: true }),
    bold: await doc.embedFont(fontBytes.bold, { subset: true }),
  };
  const filters = { regular: new GlyphFilter(fonts.regular), bold: new GlyphFilter(fonts.bold) };
  const ink = rgb(0.11, 0.11, 0.13);
  const quoteInk = rgb(0.22, 0.22, 0.26);
  const muted = rgb(0.42, 0.42, 0.47);
  const line = rgb(0.8, 0.8, 0.83);
  const writer = new Writer(doc, fonts, filters, lib);

  doc.setTitle(document.heading);
  doc.setLanguage(document.language);
  doc.setCreator('Coko');
  doc.setProducer('Coko');
  doc.setCreationDate(document.exportedAt);
  doc.setModificationDate(document.exportedAt);

  writer.paragraph([{ text: document.heading, font: 'bold', size: 18, color: ink }], { leading: 1.3 });
  if (document.subtitle) writer.paragraph([{ text: document.subtitle, font: 'regular', size: 12.5, color: muted }]);
  writer.gap(8);
  for (const field of document.fields) {
    writer.paragraph([
      { text: `${field.label} `, font: 'bold', size: 10, color: ink },
      { text: field.value, font: 'regular', size: 10, color: ink },
    ]);
  }
  writer.gap(6);
  writer.rule(line);
  writer.gap(8);

  if (document.entries.length === 0) {
    writer.paragraph([{ text: document.emptyMessage, font: 'regular', size: 11, color: muted }]);
  }
  for (const entry of document.entries) drawEntry(writer, entry, { ink, quoteInk, muted, line });

  const total = writer.pages.length;
  writer.pages.forEach((page, index) => {
    const number = `${index + 1} / ${total}`;
    const numberWidth = writer.width(number, 'regular', 8.5);
    page.drawText(writer.fit(document.footer, 'regular', 8.5, CONTENT_WIDTH - numberWidth - 24), {
      x: MARGIN_X,
      y: FOOTER_Y,
      size: 8.5,
      font: fonts.regular,
      color: muted,
    });
    page.drawText(number, {
      x: PAGE_WIDTH - MARGIN_X - numberWidth,
      y: FOOTER_Y,
      size: 8.5,
      font: fonts.regular,
      color: muted,
    });
  });
  return doc.save();
}

function drawEntry(
  writer: Writer,
  entry: NotesEntry,
  colors: Record<'ink' | 'quoteInk' | 'muted' | 'line', RGB>,
): void {
  // Keep the heading with its location and the first lines of text.
  writer.ensure(80);
  const swatch = entry.kind !== 'bookmark' && entry.color ? writer.color(entry.color, colors.line) : undefined;
  const top = writer.y;
  writer.paragraph([{ text: `${entry.number}. ${entry.kindLabel}`, font: 'bold', size: 12.5, color: colors.ink }], {
    indent: swatch ? 14 : 0,
  });
  if (swatch) {
    writer.page.drawRectangle({
      x: MARGIN_X,
      y: top - 13,
      width: 8,
      height: 8,
      color: swatch,
      borderColor: colors.muted,
      borderWidth: 0.3,
    });
  }
  if (entry.location.length > 0) {
    writer.paragraph([{ text: entry.location.join(' · '), font: 'regular', size: 9.5, color: colors.muted }]);
  }
  if (entry.quote) {
    writer.gap(4);
    writer.paragraph([{ text: entry.quote, font: 'regular', size: 11, color: colors.quoteInk }], {
      indent: 14,
      bar: writer.color(entry.color, colors.line),
    });
  }
  if (entry.note) {
    writer.gap(4);
    writer.paragraph([{ text: entry.note, font: 'regular', size: 11, color: colors.ink }]);
  }
  writer.gap(3);
  writer.paragraph([{ text: entry.dates, font: 'regular', size: 8.5, color: colors.muted }]);
  writer.gap(14);
}
