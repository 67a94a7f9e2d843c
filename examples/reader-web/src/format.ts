import type { AuthorSummary } from '@coko/sdk';

export const LOCALE = 'fr-SN';

const formats = new Map<string, Intl.NumberFormat>();

/**
 * A price stored as an integer in the currency's minor unit (ISO 4217), for display:
 * `formatPrice(1500, 'XOF')` → "1 500 F CFA" (XOF has no minor unit), `formatPrice(499, 'EUR')` → "4,99 €".
 */
export function formatPrice(amount: number, currency: string, locale = LOCALE): string {
  const key = `${locale}:${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, format);
  }
  // Intl knows each currency's minor unit: 0 digits for XOF, 2 for EUR, 3 for TND…
  const { maximumFractionDigits = 2 } = format.resolvedOptions();
  return format.format(amount / 10 ** maximumFractionDigits);
}

/** "Gratuit" for free books, else the formatted price. */
export function formatBookPrice(book: { price: number; currency: string; isFree: boolean }): string {
  return book.isFree || book.price === 0 ? 'Gratuit' : formatPrice(book.price, book.currency);
}

const authorList = new Intl.ListFormat('fr', { style: 'long', type: 'conjunction' });

/** "Awa Diop, Moussa Sow et Ama Kouassi". */
export function formatAuthors(authors: readonly Pick<AuthorSummary, 'name'>[]): string {
  return authors.length ? authorList.format(authors.map((author) => author.name)) : 'Auteur inconnu';
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });

/** "12 mars 2004" from an ISO date. */
export function formatDate(date: string): string {
  return dateFormat.format(new Date(date));
}

/** "1 234 livres", "1 livre", "aucun livre". */
export function formatBookCount(count: number): string {
  if (count === 0) return 'Aucun livre';
  return `${new Intl.NumberFormat(LOCALE).format(count)} ${count === 1 ? 'livre' : 'livres'}`;
}
