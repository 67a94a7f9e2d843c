// ISO 4217 currencies as this runtime's Intl (CLDR) knows them: the one place Coko asks how many decimal
// places a currency's minor unit has.

const CURRENCY_CODE = /^[A-Z]{3}$/;

let supported: Set<string> | undefined;

/** True for an upper-case ISO 4217 code this runtime's Intl knows (`XOF`, `EUR`; not `xof`, not `ZZZ`). */
export function isCurrencyCode(code: string): boolean {
  // Intl formats any well-formed code (ZZZ included), so the list of known ones is the check.
  supported ??= new Set(Intl.supportedValuesOf('currency'));
  return CURRENCY_CODE.test(code) && supported.has(code);
}

function assertCurrency(currency: string): void {
  if (!isCurrencyCode(currency)) throw new RangeError(`Unknown currency code: ${JSON.stringify(currency)}`);
}

const digitsCache = new Map<string, number>();

/**
 * Decimal places of the currency's minor unit, as CLDR (through Intl) knows them: 0 for XOF, XAF and JPY,
 * 2 for EUR and USD, 3 for TND. Throws a RangeError for an unknown code.
 *
 * @example minorUnits('XOF') // 0
 */
export function minorUnits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    assertCurrency(currency);
    // Always set for style 'currency' (the lib types it optional for every style).
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 0;
    digitsCache.set(currency, digits);
  }
  return digits;
}
