// Amounts as people read them. The expected strings spell out the separators Intl (CLDR) uses, so a
// change of ICU data shows up here: U+202F narrow no-break space groups French thousands and sits inside
// `F CFA`; U+00A0 no-break space sets the currency off from the number. Neither lets a line break there.
import { describe, expect, it } from 'vitest';
import { formatMoney, isCurrencyCode, minorUnits } from '../src/money/index.ts';

const NNBSP = '\u202F';
const NBSP = '\u00A0';

describe('minorUnits', () => {
  it('reads the ISO 4217 minor unit from Intl', () => {
    expect(minorUnits('XOF')).toBe(0);
    expect(minorUnits('XAF')).toBe(0);
    expect(minorUnits('EUR')).toBe(2);
    expect(minorUnits('USD')).toBe(2);
    expect(minorUnits('TND')).toBe(3);
  });

  it('refuses codes that are not ISO 4217 currencies', () => {
    for (const code of ['ZZZ', 'xof', 'EURO', '', 'XO']) {
      expect(isCurrencyCode(code)).toBe(false);
      expect(() => minorUnits(code)).toThrow(RangeError);
    }
  });
});

describe('formatMoney', () => {
  it('writes CFA francs without decimals, grouped by narrow no-break spaces in French', () => {
    expect(formatMoney(1500, 'XOF', 'fr')).toBe(`1${NNBSP}500${NBSP}F${NNBSP}CFA`);
    expect(formatMoney(1500, 'XOF', 'en')).toBe(`F${NNBSP}CFA${NBSP}1,500`);
    // CLDR writes the Central African franc `FCFA`, in one word.
    expect(formatMoney(1500, 'XAF', 'fr')).toBe(`1${NNBSP}500${NBSP}FCFA`);
    expect(formatMoney(1500, 'XAF', 'en')).toBe(`FCFA${NBSP}1,500`);
  });

  it('writes euros and dollars from cents', () => {
    expect(formatMoney(499, 'EUR', 'fr')).toBe(`4,99${NBSP}€`);
    expect(formatMoney(499, 'EUR', 'en')).toBe('€4.99');
    expect(formatMoney(499, 'USD', 'fr')).toBe(`4,99${NBSP}$US`);
    expect(formatMoney(499, 'USD', 'en')).toBe('$4.99');
    expect(formatMoney(123450, 'USD', 'en')).toBe('$1,234.50');
    expect(formatMoney(5, 'EUR', 'fr')).toBe(`0,05${NBSP}€`);
  });

  it('writes zero with the currency’s decimals', () => {
    expect(formatMoney(0, 'XOF', 'fr')).toBe(`0${NBSP}F${NNBSP}CFA`);
    expect(formatMoney(0, 'XAF', 'en')).toBe(`FCFA${NBSP}0`);
    expect(formatMoney(0, 'EUR', 'fr')).toBe(`0,00${NBSP}€`);
    expect(formatMoney(0, 'USD', 'en')).toBe('$0.00');
  });

  it('writes a billion CFA francs', () => {
    expect(formatMoney(1_000_000_000, 'XOF', 'fr')).toBe(`1${NNBSP}000${NNBSP}000${NNBSP}000${NBSP}F${NNBSP}CFA`);
    expect(formatMoney(1_000_000_000, 'XOF', 'en')).toBe(`F${NNBSP}CFA${NBSP}1,000,000,000`);
  });

  it('never goes through a float: the largest safe amount of cents keeps its last digit', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR', 'fr')).toBe(
      `90${NNBSP}071${NNBSP}992${NNBSP}547${NNBSP}409,91${NBSP}€`,
    );
    expect(formatMoney(-Number.MAX_SAFE_INTEGER, 'USD', 'en')).toBe('-$90,071,992,547,409.91');
  });

  it('refuses an unknown currency and amounts that are not whole minor units', () => {
    expect(() => formatMoney(1500, 'ZZZ', 'fr')).toThrow(RangeError);
    expect(() => formatMoney(1500, 'xof', 'fr')).toThrow(RangeError);
    expect(() => formatMoney(4.99, 'EUR', 'fr')).toThrow(RangeError);
    expect(() => formatMoney(Number.NaN, 'XOF', 'fr')).toThrow(RangeError);
    expect(() => formatMoney(2 ** 53, 'XOF', 'fr')).toThrow(RangeError);
  });
});
