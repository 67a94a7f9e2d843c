import { create } from 'fontkit';
import sharp from 'sharp';
import { loadDejaVuFonts } from '../pdf/fonts.ts';
import { pick, seededRandom } from './seeded-random.ts';

// Covers of books without one (and of the demo books) are drawn as SVG and rasterised with sharp. Text is turned into glyph outlines with
// fontkit and the DejaVu font the project already ships, so a cover looks the same on a machine
// without system fonts.

interface Glyph {
  advanceWidth: number;
  path: { toSVG(): string };
}
interface Font {
  unitsPerEm: number;
  layout(text: string): { glyphs: Glyph[] };
}

const WIDTH = 600;
const HEIGHT = 900;
const PALETTES = [
  ['#7a2e12', '#e0a23b', '#f6ead2'],
  ['#123c5a', '#3aa6a0', '#eef5f2'],
  ['#3b1f4a', '#d9643a', '#fbefe3'],
  ['#1f4a2b', '#c9b037', '#f4f1de'],
  ['#5a1230', '#e07a5f', '#f7ede2'],
] as const;

export interface CoverText {
  title: string;
  author: string;
}

/** A 600 × 900 JPEG cover with the title and author, the same for the same seed. */
export async function drawCover(seed: string, text: CoverText): Promise<Uint8Array> {
  const { regular, bold } = await coverFonts();
  const random = seededRandom(`cover:${seed}`);
  const [dark, accent, light] = pick(random, PALETTES);
  const pattern = Array.from({ length: 14 }, (_, i) => {
    const y = 520 + i * 28;
    const size = 10 + Math.floor(random() * 16);
    return Array.from({ length: 12 }, (_, j) => {
      const x = 25 + j * 50;
      return random() < 0.5
        ? `<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${accent}" opacity="0.8"/>`
        : `<path d="M${x - size / 2} ${y + size / 2} L${x} ${y - size / 2} L${x + size / 2} ${y + size / 2} Z" fill="${light}" opacity="0.6"/>`;
    }).join('');
  }).join('');
  const titleLines = wrap(text.title, 18);
  const title = titleLines.map((line, i) => textPath(bold, line, 56, 110 + i * 70, light)).join('');
  const author = textPath(regular, text.author, 30, 150 + titleLines.length * 70, accent);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<rect width="${WIDTH}" height="${HEIGHT}" fill="${dark}"/>${pattern}
<rect x="30" y="30" width="${WIDTH - 60}" height="${HEIGHT - 60}" fill="none" stroke="${accent}" stroke-width="4"/>${title}${author}</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer());
}

/** The two faces, parsed once per process: parsing a DejaVu face costs more than drawing a cover. */
let parsedFonts: Promise<{ regular: Font; bold: Font }> | undefined;
function coverFonts(): Promise<{ regular: Font; bold: Font }> {
  parsedFonts ??= loadDejaVuFonts().then((fonts) => ({
    regular: create(fonts.regular) as unknown as Font,
    bold: create(fonts.bold) as unknown as Font,
  }));
  return parsedFonts;
}

/** `text` as glyph outlines, centred horizontally on the cover with its baseline at `baseline`. */
function textPath(font: Font, text: string, size: number, baseline: number, fill: string): string {
  const scale = size / font.unitsPerEm;
  const { glyphs } = font.layout(text);
  const width = glyphs.reduce((sum, glyph) => sum + glyph.advanceWidth, 0) * scale;
  let x = (WIDTH - width) / 2;
  const paths = glyphs.map((glyph) => {
    const path = `<path transform="translate(${x.toFixed(1)} ${baseline}) scale(${scale} ${-scale})" d="${glyph.path.toSVG()}"/>`;
    x += glyph.advanceWidth * scale;
    return path;
  });
  return `<g fill="${fill}">${paths.join('')}</g>`;
}

/** Greedy word wrap at `max` characters a line. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
