import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ExtractedTocEntry } from './extracted-book.ts';
import { TOC_LIMITS } from './from-epub.ts';

type OutlineItem = Awaited<ReturnType<PDFDocumentProxy['getOutline']>>[number];
type Destination = OutlineItem['dest'];

/**
 * A PDF's outline (bookmarks) as a toc: each entry's href is `#page=N` (1-based, the PDF open
 * parameter readers understand), null when its destination is not a page of the document (a web
 * link, a broken named destination). Bounded in depth and length like an EPUB's.
 */
export async function pdfToc(pdf: PDFDocumentProxy): Promise<ExtractedTocEntry[]> {
  const outline = (await pdf.getOutline().catch(() => null)) ?? [];
  let budget: number = TOC_LIMITS.entries;
  const walk = async (items: OutlineItem[], depth: number): Promise<ExtractedTocEntry[]> => {
    const entries: ExtractedTocEntry[] = [];
    for (const item of items) {
      if (budget <= 0) break;
      budget -= 1;
      const title = Array.from(item.title.replace(/\s+/g, ' ').trim()).slice(0, TOC_LIMITS.title).join('');
      const children = depth < TOC_LIMITS.depth ? await walk(item.items ?? [], depth + 1) : [];
      if (!title) {
        entries.push(...children);
        continue;
      }
      const page = await pageOf(pdf, item.dest);
      entries.push({ title, href: page === null ? null : `#page=${page}`, children });
    }
    return entries;
  };
  return walk(outline, 1);
}

async function pageOf(pdf: PDFDocumentProxy, dest: Destination): Promise<number | null> {
  try {
    const explicit = typeof dest === 'string' ? await pdf.getDestination(dest) : dest;
    const target = explicit?.[0];
    if (target === undefined || target === null) return null;
    // A destination names its page by reference, or (in some files) by zero-based index.
    const index =
      typeof target === 'number'
        ? target
        : await pdf.getPageIndex(target as Parameters<PDFDocumentProxy['getPageIndex']>[0]);
    return index >= 0 && index < pdf.numPages ? index + 1 : null;
  } catch {
    return null;
  }
}
