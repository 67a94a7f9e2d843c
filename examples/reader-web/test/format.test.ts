import { describe, expect, it } from 'vitest';
import { formatAuthors, formatBookCount, formatBookPrice, formatPrice } from '../src/format';

// Intl separates thousands with a narrow no-break space and the symbol with a no-break space.
const plain = (text: string) => text.replace(/\s/gu, ' ');

describe('formatPrice', () => {
  it('divides by the minor unit of the currency (ISO 4217)', () => {
    expect(plain(formatPrice(1500, 'XOF'))).toBe('1 500 F CFA'); // no minor unit
    expect(plain(formatPrice(499, 'EUR'))).toBe('4,99 €');
    expect(plain(formatPrice(1234, 'TND'))).toBe('1,234 TND'); // three decimals
  });

  it('shows free books as free', () => {
    expect(formatBookPrice({ price: 0, currency: 'XOF', isFree: true })).toBe('Gratuit');
    expect(plain(formatBookPrice({ price: 2500, currency: 'XOF', isFree: false }))).toBe('2 500 F CFA');
  });
});

describe('formatAuthors and formatBookCount', () => {
  it('write French', () => {
    expect(formatAuthors([{ name: 'Awa Diop' }, { name: 'Moussa Sow' }, { name: 'Ama Kouassi' }])).toBe(
      'Awa Diop, Moussa Sow et Ama Kouassi',
    );
    expect(formatAuthors([])).toBe('Auteur inconnu');
    expect(plain(formatBookCount(1240))).toBe('1 240 livres');
    expect(formatBookCount(1)).toBe('1 livre');
    expect(formatBookCount(0)).toBe('Aucun livre');
  });
});
