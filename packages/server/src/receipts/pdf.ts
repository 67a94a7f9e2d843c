// A receipt as a PDF: A4, DejaVu Sans embedded as a subset (the same font as the notes export, so names
// with ŋ ɗ ɓ ƴ print), a two-column table with amounts right-aligned. A receipt is a page or two, so it is
// drawn in process (no worker); the output is deterministic (dates in the metadata are the issue date).
import type { PDFDocument, PDFFont, PDFPage, RGB } from 'pdf-lib';
import { GlyphFilter, loadDejaVuFonts, loadFontkit, loadPdfLib, type PdfFontLoader } from '../pdf/index.ts';
import type { ReceiptLanguage } from './labels.ts';
import type { ReceiptModel } from './model.ts';
import { receiptView } from './view.ts';

// A4 in points, margins, the amount column's width.
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 56;
const MARGIN_TOP = 60;
const MARGIN_BOTTOM = 60;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
const AMOUNT_WIDTH = 150;
const COLUMN_GAP = 16;

interface Face {
  font: PDFFont;
  filter: GlyphFilter;
}

interface Style {
  face: Face;
  size: number;
  color: RGB;
}

/** Splits text into lines of at most `maxWidth` points, between words, or inside a word longer than a line. */
function wrap(text: string, style: Style, maxWidth: number): string[] {
  const width = (value: string) => style.face.font.widthOfTextAtSize(value, style.size);
  const lines: string[] = [];
  let line = '';
  // Only ordinary spaces break: the no-break spaces inside amounts and names stay.
  for (const word of text.split(/ +/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (width(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    if (width(word) <= maxWidth) {
      line = word;
      continue;
    }
    for (const character of Array.from(word)) {
      if (line !== '' && width(line + character) > maxWidth) {
        lines.push(line);
        line = '';
      }
      line += character;
    }
  }
  lines.push(line);
  return lines;
}

/** Draws lines top to bottom, starting a new page when one is full. */
class Layout {
  #page!: PDFPage;
  #y = 0;

  constructor(private readonly doc: PDFDocument) {
    this.#newPage();
  }

  #newPage(): void {
    this.#page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.#y = PAGE_HEIGHT - MARGIN_TOP;
  }

  /** Moves down one line of `size`, on a new page when it would not fit; returns its baseline. */
  #line(size: number): number {
    const height = size * 1.45;
    if (this.#y - height < MARGIN_BOTTOM) this.#newPage();
    this.#y -= height;
    return this.#y + size * 0.3;
  }

  #draw(text: string, x: number, y: number, style: Style): void {
    if (text !== '') this.#page.drawText(text, { x, y, size: style.size, font: style.face.font, color: style.color });
  }

  /** A paragraph, wrapped; `lead` (a bold label) starts its first line. */
  paragraph(text: string, style: Style, lead?: Style & { text: string }): void {
    const leadText = lead ? `${lead.face.filter.filter(lead.text)} ` : '';
    const leadWidth = lead ? lead.face.font.widthOfTextAtSize(leadText, lead.size) : 0;
    const lines = wrap(style.face.filter.filter(text), style, CONTENT_WIDTH - leadWidth);
    lines.forEach((line, index) => {
      const baseline = this.#line(Math.max(style.size, lead?.size ?? 0));
      if (index === 0 && lead) this.#draw(leadText, MARGIN_X, baseline, lead);
      this.#draw(line, MARGIN_X + leadWidth, baseline, style);
    });
  }

  /** A table row: the label wrapped in the first column, the amount right-aligned on its first line. */
  row(label: string, amount: string, style: Style): void {
    const lines = wrap(style.face.filter.filter(label), style, CONTENT_WIDTH - AMOUNT_WIDTH - COLUMN_GAP);
    const amountText = style.face.filter.filter(amount);
    const amountWidth = style.face.font.widthOfTextAtSize(amountText, style.size);
    lines.forEach((line, index) => {
      const baseline = this.#line(style.size);
      this.#draw(line, MARGIN_X, baseline, style);
      if (index === 0) this.#draw(amountText, PAGE_WIDTH - MARGIN_X - amountWidth, baseline, style);
    });
  }

  rule(color: RGB): void {
    if (this.#y - 8 < MARGIN_BOTTOM) this.#newPage();
    this.#y -= 4;
    this.#page.drawLine({
      start: { x: MARGIN_X, y: this.#y },
      end: { x: PAGE_WIDTH - MARGIN_X, y: this.#y },
      thickness: 0.6,
      color,
    });
    this.#y -= 4;
  }

  gap(height: number): void {
    this.#y -= height;
  }
}

export interface ReceiptPdfOptions {
  /** Default: DejaVu Sans from the `dejavu-fonts-ttf` package (the edge function passes its embedded copy). */
  fonts?: PdfFontLoader | undefined;
}

/**
 * The receipt in `language` (default: the language it was issued in) as PDF bytes. Throws
 * `PdfUnavailableError` when pdf-lib, fontkit or the font cannot be loaded on this runtime; never on odd
 * text (a character the font lacks is drawn as □).
 *
 * @example await receiptPdf(receiptModel(receipt, parties), 'fr')
 */
export async function receiptPdf(
  model: ReceiptModel,
  language: ReceiptLanguage = model.language,
  options: ReceiptPdfOptions = {},
): Promise<Uint8Array> {
  const view = receiptView(model, language);
  const [{ PDFDocument, rgb }, fontkit, fontBytes] = await Promise.all([
    loadPdfLib(),
    loadFontkit(),
    (options.fonts ?? loadDejaVuFonts)(),
  ]);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  const face = async (bytes: Uint8Array): Promise<Face> => {
    const font = await doc.embedFont(bytes, { subset: true });
    return { font, filter: new GlyphFilter(font) };
  };
  const regular = await face(fontBytes.regular);
  const bold = await face(fontBytes.bold);
  const ink = rgb(0.11, 0.11, 0.13);
  const muted = rgb(0.42, 0.42, 0.47);
  const line = rgb(0.8, 0.8, 0.83);

  doc.setTitle(view.title);
  doc.setLanguage(language);
  doc.setCreator('Coko');
  doc.setProducer('Coko');
  doc.setCreationDate(model.issuedAt);
  doc.setModificationDate(model.issuedAt);

  const layout = new Layout(doc);
  layout.paragraph(view.title, { face: bold, size: 20, color: ink });
  layout.gap(10);
  for (const field of view.fields) {
    layout.paragraph(
      field.value,
      { face: regular, size: 10, color: ink },
      { text: field.label, face: bold, size: 10, color: ink },
    );
  }
  layout.gap(16);
  layout.row(view.columns.item, view.columns.amount, { face: bold, size: 9.5, color: muted });
  layout.rule(line);
  for (const item of view.lines) layout.row(item.label, item.amount, { face: regular, size: 11, color: ink });
  layout.rule(line);
  layout.row(view.total.label, view.total.amount, { face: bold, size: 12, color: ink });
  layout.gap(24);
  layout.paragraph(view.footer, { face: regular, size: 9, color: muted });
  return doc.save();
}
