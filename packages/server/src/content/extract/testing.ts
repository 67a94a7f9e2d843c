// Builders that MAKE the book files the extraction, pipeline and benchmark tests need: no binary
// fixture is committed, every file comes from options, and the same options give the same bytes.

export { type BrokenFile, buildBrokenFiles } from './testing/broken-files.ts';
export { buildEpub2, buildEpub3, type TestCreator, type TestEpubOptions } from './testing/build-epub.ts';
export { buildPdf, type TestOutlineItem, type TestPdfOptions, type TestXmp } from './testing/build-pdf.ts';
export { noiseImage, testCoverImage } from './testing/images.ts';
export { buildLargeEpub } from './testing/large-epub.ts';
