import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { DemoChapter } from './build-epub.ts';

export interface DemoPdfInput {
  title: string;
  author: string;
  chapters: DemoChapter[];
  coverJpeg: Uint8Array;
}

// A5 pages, fixed dates: the same input gives the same bytes.
const PAGE = { width: 420, height: 595, margin: 48 } as const;
const BODY_SIZE = 11;
const LINE = 15;
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

/** A PDF of the cover followed by the chapters, each starting on a new page. */
export async function buildDemoPdf(input: DemoPdfInput): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  // The standard Times faces (WinAnsi, which covers the generated French prose): embedding and
  // subsetting DejaVu took seconds for a few pages, and `coko dev` must stay fast.
  const regular = await document.embedFont(StandardFonts.TimesRoman);
  const bold = await document.embedFont(StandardFonts.TimesRomanBold);
  document.setTitle(input.title);
  document.setAuthor(input.author);
  document.setCreationDate(FIXED_DATE);
  document.setModificationDate(FIXED_DATE);

  const cover = await document.embedJpg(input.coverJpeg);
  document.addPage([PAGE.width, PAGE.height]).drawImage(cover, { x: 0, y: 0, width: PAGE.width, height: PAGE.height });

  for (const chapter of input.chapters) {
    let page = document.addPage([PAGE.width, PAGE.height]);
    let y = PAGE.height - PAGE.margin - 20;
    page.drawText(chapter.title, { x: PAGE.margin, y, size: 18, font: bold });
    y -= 40;
    for (const paragraph of chapter.paragraphs) {
      for (const line of wrapLines(paragraph, regular, PAGE.width - 2 * PAGE.margin)) {
        if (y < PAGE.margin) {
          page = document.addPage([PAGE.width, PAGE.height]);
          y = PAGE.height - PAGE.margin;
        }
        drawLine(page, line, regular, y);
        y -= LINE;
      }
      y -= LINE / 2;
    }
  }
  return document.save();
}

function drawLine(page: PDFPage, text: string, font: PDFFont, y: number): void {
  page.drawText(text, { x: PAGE.margin, y, size: BODY_SIZE, font, color: rgb(0.1, 0.1, 0.1) });
}

function wrapLines(text: string, font: PDFFont, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, BODY_SIZE) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}
