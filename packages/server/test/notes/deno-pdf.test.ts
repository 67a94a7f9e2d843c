// The PDF export under the real Deno binary (npm `deno`), offline, resolving npm packages from the
// workspace's node_modules: pdf-lib, fontkit and the DejaVu TTF files load from the sources and the text
// reads back. The deployed function (fonts embedded in its bundle) is tested in ../edge/function.test.ts.
import { describe, expect, it } from 'vitest';
import { renderNotesMarkdown } from '../../src/notes/index.ts';
import { denoScript, guardRootPackageJson } from '../deno.ts';
import { sampleDocument } from './fixtures/sample.ts';
import { pdfPages } from './helpers.ts';

const { run, check } = denoScript('packages/server/test/notes/fixtures/deno-render.ts');

guardRootPackageJson();

describe('notes export under Deno', () => {
  it('type-checks', () => {
    const result = check();
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  }, 60_000);

  it('renders the PDF with the embedded font (only --allow-read)', async () => {
    const result = run();
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
    const bytes = new Uint8Array(result.stdout);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const pages = await pdfPages(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(pages.length).toBeGreaterThan(1);
    const text = pages.join('\n');
    expect(text).toContain('Notes de lecture — Sénégal ŋ sous Deno');
    expect(text).toContain('École, déjà, ŋ ɗ ɓ');
    expect(text.match(/note/g)?.length).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it('renders the Markdown identically to Node', async () => {
    const result = run('md');
    expect(result.status).toBe(0);
    const markdown = result.stdout.toString('utf8');
    expect(markdown).toContain('> École, déjà, ŋ ɗ ɓ 😀🦁 \\*gras\\*');
    expect(markdown).toContain('*Créé le 1er mars 2026 à 09:30 · modifié le 2 mars 2026 à 18:45*');
    expect(markdown).toBe(renderNotesMarkdown(sampleDocument()));
  }, 60_000);
});
