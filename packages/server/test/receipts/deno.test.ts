// Receipts under the real Deno binary (npm `deno`), offline, from the sources: the edge function must print
// the same amounts and the same Markdown as Node (both take separators from their own ICU data), and the
// PDF renders with pdf-lib, fontkit and DejaVu Sans read from node_modules.
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { formatMoney, receiptMarkdown, receiptModel } from '../../src/receipts/index.ts';
import { denoScript, guardRootPackageJson } from '../deno.ts';
import { SAMPLE_AMOUNTS, SAMPLE_PARTIES, SAMPLE_RECEIPT } from './fixtures/sample.ts';

const { run, check } = denoScript('packages/server/test/receipts/fixtures/deno-render.ts');

guardRootPackageJson();

describe('receipts under Deno', () => {
  it('type-checks', () => {
    const result = check();
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  }, 60_000);

  it('writes amounts and Markdown exactly as Node does', () => {
    const result = run('text');
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
    const model = receiptModel(SAMPLE_RECEIPT, SAMPLE_PARTIES);
    expect(JSON.parse(result.stdout.toString('utf8'))).toEqual({
      fr: receiptMarkdown(model, 'fr'),
      en: receiptMarkdown(model, 'en'),
      amounts: SAMPLE_AMOUNTS.map(([amount, currency, language]) => formatMoney(amount, currency, language)),
    });
  }, 60_000);

  it('renders the PDF (only --allow-read)', async () => {
    const result = run();
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
    const bytes = new Uint8Array(result.stdout);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain('Reçu DEMO-000042');
    expect(text).toContain('Abonnement annuel ŋ ɗ ɓ 1 000 000 000 F CFA');
    expect(text).toContain('Total 1 000 001 500 F CFA');
  }, 60_000);
});
