/// <reference path="./ttf.d.ts" />
// The PDF export's fonts inside the edge bundle: a deployed function has no node_modules to read
// them from, so esbuild embeds the TTF bytes in the bundle itself (no file access at run time).

import regular from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf';
import bold from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf';
import type { PdfFontLoader } from '../pdf/index.ts';

/** DejaVu Sans regular and bold, from the bundle. */
export const embeddedFonts: PdfFontLoader = async () => ({ regular, bold });
