import { describe, expect, it, vi } from 'vitest';
import { buildPdf } from '../../src/content/extract/testing.ts';
import { expectWarning, extract } from './extract-helpers.ts';

// A platform without @napi-rs/canvas's prebuilt binary, or a page pdf.js cannot draw in time: the
// drawing fails, which real PDFs cannot be made to do on demand, so the renderer fails here.
vi.mock('../../src/content/extract/pdf-cover.ts', () => ({
  renderFirstPage: () => Promise.reject(new Error('Cannot find module @napi-rs/canvas')),
}));

describe('extractBook on a PDF whose first page cannot be drawn', () => {
  it('goes without a cover, says why, and rates the book poor', async () => {
    const book = await extract(await buildPdf({ pages: 6 }));
    expect(book.cover).toBeNull();
    expect(book.pageCount).toBe(6);
    expect(book.metadata.quality).toBe('poor');
    expectWarning(book, /could not be drawn as a cover \(Cannot find module @napi-rs\/canvas\)/);
  });
});
