export { isCurrencyCode, minorUnits } from './currency.ts';
export { fromDecimalString, toDecimalString } from './decimal.ts';
export { formatMoney, type MoneyLanguage } from './format.ts';
