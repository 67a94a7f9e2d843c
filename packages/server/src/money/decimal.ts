// Coko stores money as an integer in the currency's ISO 4217 minor unit; some providers want a decimal
// string in the major unit instead (Wave: "1500" XOF, PayPal: "4.99" EUR).
import { minorUnits } from './currency.ts';

/** `1500, 'XOF'` → `"1500"`; `499, 'EUR'` → `"4.99"`. Exact: integer arithmetic, no floats. */
export function toDecimalString(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`Invalid amount: ${amount}`);
  const digits = minorUnits(currency.toUpperCase());
  if (digits === 0) return String(amount);
  const padded = String(amount).padStart(digits + 1, '0');
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** `"4.99", 'EUR'` → `499`; null when the string is not an exact amount in that currency. */
export function fromDecimalString(value: string, currency: string): number | null {
  const digits = minorUnits(currency.toUpperCase());
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  if (fraction.replace(/0+$/, '').length > digits) return null;
  const amount = Number(whole + fraction.padEnd(digits, '0').slice(0, digits));
  return Number.isSafeInteger(amount) ? amount : null;
}
