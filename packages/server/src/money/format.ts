// Amounts for people: Coko stores money as an integer in the currency's ISO 4217 minor unit (XOF 1500 =
// 1 500 F CFA; EUR 499 = 4,99 €); this shows it the way the reader's language writes it. Intl works the
// same on Node and Deno (both ship ICU with CLDR), so the API and the edge function print the same thing.

import { minorUnits } from './currency.ts';

/** Languages amounts are written in. */
export type MoneyLanguage = 'fr' | 'en';

/** The amount as an exact decimal string (`499`, 2 → `4.99`): never through a float. */
function decimalString(amount: number, digits: number): string {
  const sign = amount < 0 ? '-' : '';
  const units = String(Math.abs(amount)).padStart(digits + 1, '0');
  if (digits === 0) return `${sign}${units}`;
  return `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

// Intl.NumberFormat takes exact decimal strings since ES2023 (Node 20, Deno); TypeScript's ES2022 lib
// only declares numbers.
interface DecimalFormat {
  format(value: string): string;
}

const formatCache = new Map<string, DecimalFormat>();

/**
 * An amount in minor units written for people, with the separators CLDR gives the language: in French the
 * thousands are grouped with U+202F (narrow no-break space) and the currency is set off by U+00A0 (no-break
 * space), so an amount never breaks across lines: `1 500 F CFA`, `4,99 €`, `4,99 $US`. In English:
 * `F CFA 1,500`, `€4.99`, `$4.99`. CLDR writes XAF `FCFA` (no space). Throws a RangeError for an unknown
 * currency or an amount that is not a safe integer.
 *
 * @example formatMoney(1500, 'XOF', 'fr') // '1\u202F500\u00A0F\u202FCFA'
 */
export function formatMoney(amount: number, currency: string, language: MoneyLanguage): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Amount is not a whole number of minor units: ${amount}`);
  const digits = minorUnits(currency);
  const key = `${language}\u0000${currency}`;
  let format = formatCache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, { style: 'currency', currency }) as unknown as DecimalFormat;
    formatCache.set(key, format);
  }
  return format.format(decimalString(amount, digits));
}
