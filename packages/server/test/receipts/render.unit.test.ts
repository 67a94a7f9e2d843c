// Receipts for people: the model built from the stored receipt, the exact Markdown in both languages, and
// a PDF that parses and says the same thing.
import { PDFDocument } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { PdfUnavailableError } from '../../src/pdf/index.ts';
import {
  formatMoney,
  InvalidReceiptError,
  type ReceiptInput,
  type ReceiptParties,
  receiptLanguage,
  receiptMarkdown,
  receiptModel,
  receiptNumber,
  receiptPdf,
} from '../../src/receipts/index.ts';

const NNBSP = '\u202F';
const NBSP = '\u00A0';

const RECEIPT: ReceiptInput = {
  id: '5b0e4c1e-7d1f-4c3b-9a55-0d6f3f1a0001',
  orderId: '6f1c2a4e-0000-4000-8000-000000000042',
  number: 42,
  issuedAt: '2026-11-21T14:05:09.123Z',
  amount: 1500,
  currency: 'XOF',
  language: 'fr',
  lines: [{ label: 'Une si longue lettre — Mariama Bâ', amount: 1500 }],
};

const PARTIES: ReceiptParties = {
  partner: { name: 'Démo Lecture', slug: 'demo' },
  buyer: 'Awa Diop',
  payment: { provider: 'wave', reference: 'T_ABC123' },
};

/** Text extraction (pdf.js) reports every space as U+0020, the no-break ones the PDF draws included. */
const plainSpaces = (text: string) => text.replace(/[\u00A0\u202F]/g, ' ');

async function pdfText(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(bytes.slice()), { mergePages: true });
  return text;
}

const money = (amount: number, currency: string, language: 'fr' | 'en') =>
  plainSpaces(formatMoney(amount, currency, language));

describe('receipt model', () => {
  it('numbers receipts per partner: slug upper-cased, number padded to six digits', () => {
    expect(receiptNumber(42, 'demo')).toBe('DEMO-000042');
    expect(receiptNumber(1_234_567, 'librairie-clairafrique')).toBe('LIBRAIRIE-CLAIRAFRIQUE-1234567');
    expect(receiptNumber(7, null)).toBe('COKO-000007');
    expect(receiptModel(RECEIPT, { ...PARTIES, partner: null }).number).toBe('COKO-000042');
  });

  it('takes the row’s Date as well as the JSON’s ISO string, and cleans texts onto one line', () => {
    const model = receiptModel(
      {
        ...RECEIPT,
        issuedAt: new Date('2026-11-21T14:05:09.123Z'),
        lines: [{ label: ' Ligne\n\u0007un ', amount: 1500 }],
      },
      { partner: { name: '  ', slug: 'demo' }, buyer: 'Awa\r\nDiop' },
    );
    expect(model.issuedAt.toISOString()).toBe('2026-11-21T14:05:09.123Z');
    expect(model.lines).toEqual([{ label: 'Ligne un', amount: 1500 }]);
    expect(model.partnerName).toBeNull();
    expect(model.buyer).toBe('Awa Diop');
    expect(model.payment).toBeNull();
  });

  it('refuses a receipt with an unknown currency, fractional amounts, another language or a bad slug', () => {
    const bad: [ReceiptInput, ReceiptParties][] = [
      [{ ...RECEIPT, currency: 'ZZZ' }, PARTIES],
      [{ ...RECEIPT, currency: 'xof' }, PARTIES],
      [{ ...RECEIPT, amount: 14.99 }, PARTIES],
      [{ ...RECEIPT, lines: [{ label: 'x', amount: 1.5 }] }, PARTIES],
      [{ ...RECEIPT, language: 'wo' as 'fr' }, PARTIES],
      [{ ...RECEIPT, number: 0 }, PARTIES],
      [{ ...RECEIPT, issuedAt: 'hier' }, PARTIES],
      [RECEIPT, { ...PARTIES, partner: { name: 'x', slug: 'Not A Slug' } }],
    ];
    expect(() => receiptModel({ ...RECEIPT, currency: 'ZZZ' }, PARTIES)).toThrow(
      'Invalid receipt: currency: not an ISO 4217 currency code',
    );
    for (const [receipt, parties] of bad) expect(() => receiptModel(receipt, parties)).toThrow(InvalidReceiptError);
  });

  it('reads the language of a query or a profile', () => {
    expect(receiptLanguage('fr')).toBe('fr');
    expect(receiptLanguage('en-GB')).toBe('en');
    expect(receiptLanguage('wo')).toBeNull();
    expect(receiptLanguage(undefined)).toBeNull();
  });
});

describe('receipt.md', () => {
  it('is exact in French, the language the receipt was issued in', () => {
    expect(receiptMarkdown(receiptModel(RECEIPT, PARTIES))).toBe(
      [
        '# Reçu DEMO-000042',
        '',
        '- **Émis le :** 21 novembre 2026 à 14:05 (Africa/Dakar)',
        '- **Partenaire :** Démo Lecture',
        '- **Client :** Awa Diop',
        '- **Commande :** 6f1c2a4e-0000-4000-8000-000000000042',
        '- **Paiement :** Wave — T\\_ABC123',
        '',
        '| Article | Montant |',
        '| :-- | --: |',
        `| Une si longue lettre — Mariama Bâ | 1${NNBSP}500${NBSP}F${NNBSP}CFA |`,
        `| **Total** | **1${NNBSP}500${NBSP}F${NNBSP}CFA** |`,
        '',
        '*Reçu émis par Coko. Conservez-le comme preuve de paiement.*',
        '',
      ].join('\n'),
    );
  });

  it('is exact in English, with Markdown in titles made literal and no empty fields', () => {
    const model = receiptModel(
      {
        ...RECEIPT,
        number: 7,
        amount: 798,
        currency: 'EUR',
        language: 'en',
        lines: [
          { label: '*Les Soleils* | des indépendances', amount: 499 },
          { label: '- Abonnement [mensuel]', amount: 299 },
        ],
      },
      { partner: null, buyer: null, payment: { provider: 'sandbox', reference: null } },
    );
    expect(receiptMarkdown(model)).toBe(
      [
        '# Receipt COKO-000007',
        '',
        '- **Issued on:** November 21, 2026 at 14:05 (Africa/Dakar)',
        '- **Order:** 6f1c2a4e-0000-4000-8000-000000000042',
        '- **Payment:** Sandbox (test)',
        '',
        '| Item | Amount |',
        '| :-- | --: |',
        '| \\*Les Soleils\\* \\| des indépendances | €4.99 |',
        '| \\- Abonnement \\[mensuel\\] | €2.99 |',
        '| **Total** | **€7.98** |',
        '',
        '*Receipt issued by Coko. Keep it as proof of payment.*',
        '',
      ].join('\n'),
    );
  });

  it('renders in the other language on request', () => {
    const markdown = receiptMarkdown(receiptModel(RECEIPT, PARTIES), 'en');
    expect(markdown.startsWith('# Receipt DEMO-000042\n')).toBe(true);
    expect(markdown).toContain(`| **Total** | **F${NNBSP}CFA${NBSP}1,500** |`);
  });
});

describe('receipt.pdf', () => {
  it('parses, and says in French what the Markdown says', async () => {
    const bytes = await receiptPdf(receiptModel(RECEIPT, PARTIES));
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('Reçu DEMO-000042');
    const text = await pdfText(bytes);
    for (const expected of [
      'Reçu DEMO-000042',
      'Émis le : 21 novembre 2026 à 14:05 (Africa/Dakar)',
      'Partenaire : Démo Lecture',
      'Client : Awa Diop',
      'Paiement : Wave — T_ABC123',
      `Une si longue lettre — Mariama Bâ ${money(1500, 'XOF', 'fr')}`,
      `Total ${money(1500, 'XOF', 'fr')}`,
      'Conservez-le comme preuve de paiement.',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('renders in English on request, with the same bytes for the same receipt', async () => {
    const model = receiptModel(RECEIPT, PARTIES);
    const bytes = await receiptPdf(model, 'en');
    const text = await pdfText(bytes);
    expect(text).toContain('Receipt DEMO-000042');
    expect(text).toContain('Issued on: November 21, 2026 at 14:05 (Africa/Dakar)');
    expect(text).toContain(`Total ${money(1500, 'XOF', 'en')}`);
    expect(Buffer.from(await receiptPdf(model, 'en')).equals(Buffer.from(bytes))).toBe(true);
  });

  it('wraps long titles and words, continues on a new page, and draws □ for characters the font lacks', async () => {
    const lines = Array.from({ length: 60 }, (_, index) => ({
      label: `Livre ${index + 1} — ${'un titre très long qui ne tient pas sur une ligne '.repeat(2)}`,
      amount: 1_000_000_000,
    }));
    const url = 'https://example.org/'.padEnd(400, 'abcdefghij');
    lines.push({ label: 'Lion 🦁 et ŋ ɗ ɓ ƴ', amount: 0 }, { label: url, amount: 0 });
    const model = receiptModel({ ...RECEIPT, amount: 60_000_000_000, lines }, PARTIES);
    const bytes = await receiptPdf(model);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBeGreaterThan(1);
    const text = await pdfText(bytes);
    expect(text).toContain(`Total ${money(60_000_000_000, 'XOF', 'fr')}`);
    expect(text).toContain('Livre 60 —');
    expect(text).toContain('Lion □ et ŋ ɗ ɓ ƴ');
    // A word wider than the column is broken between characters, not cut (its amount, `0 F CFA`, is drawn
    // on its first line, so the extraction puts it inside the word).
    expect(text.replace(/\s+/g, '').replaceAll('0FCFA', '')).toContain(url);
    expect(text.split(money(1_000_000_000, 'XOF', 'fr')).length - 1).toBe(60);
  });

  it('reports fonts that cannot be loaded as PdfUnavailableError', async () => {
    await expect(
      receiptPdf(receiptModel(RECEIPT, PARTIES), 'fr', {
        fonts: async () => {
          throw new PdfUnavailableError('no font here');
        },
      }),
    ).rejects.toBeInstanceOf(PdfUnavailableError);
  });
});
