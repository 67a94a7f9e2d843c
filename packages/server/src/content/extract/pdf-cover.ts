import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { COVER_SIZES } from '../covers.ts';
import type { ExtractedCover } from './extracted-book.ts';

/** Rendering the cover page longer than this gives up (a hostile page can take minutes). */
export const COVER_RENDER_TIMEOUT_MS = 20_000;
// A page is drawn at the large cover width; a strip-shaped page is bounded in height too.
const WIDTH = COVER_SIZES.large;
const MAX_HEIGHT = WIDTH * 3;

interface NodeCanvas {
  toBuffer(type: 'image/jpeg', quality: number): Buffer;
}
interface CanvasFactory {
  create(width: number, height: number): { canvas: NodeCanvas };
  destroy(canvasAndContext: { canvas: NodeCanvas }): void;
}

/**
 * The first page of a PDF drawn as a JPEG 720 px wide, with pdf.js on @napi-rs/canvas (Skia, prebuilt
 * for Linux x64/arm64, macOS and Windows: nothing to compile). Throws when the page cannot be drawn;
 * the caller then goes without a cover.
 */
export async function renderFirstPage(pdf: PDFDocumentProxy): Promise<ExtractedCover> {
  const page = await pdf.getPage(1);
  try {
    const unit = page.getViewport({ scale: 1 });
    if (!(unit.width > 0 && unit.height > 0)) throw new Error('the page has no size');
    const scale = Math.min(WIDTH / unit.width, MAX_HEIGHT / unit.height);
    const viewport = page.getViewport({ scale });
    const factory = (pdf as unknown as { canvasFactory: CanvasFactory }).canvasFactory;
    const drawing = factory.create(Math.max(1, Math.round(viewport.width)), Math.max(1, Math.round(viewport.height)));
    try {
      // pdf.js draws with a transparent background: white is what a reader sees.
      const task = page.render({
        canvas: drawing.canvas as unknown as HTMLCanvasElement,
        viewport,
        background: 'white',
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          task.cancel();
          reject(new Error('rendering timed out'));
        }, COVER_RENDER_TIMEOUT_MS);
      });
      try {
        await Promise.race([task.promise, timeout]);
      } finally {
        clearTimeout(timer);
      }
      return {
        bytes: new Uint8Array(drawing.canvas.toBuffer('image/jpeg', 90)),
        contentType: 'image/jpeg',
        source: 'pdf-first-page',
      };
    } finally {
      factory.destroy(drawing);
    }
  } finally {
    page.cleanup();
  }
}
