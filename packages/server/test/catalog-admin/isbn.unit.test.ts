import { describe, expect, it } from 'vitest';
import { isbn13 } from '../../src/catalog-admin/isbn.ts';

// The same cases as private.isbn13 in SQL (supabase/tests/catalog-constraints.test.ts covers the SQL side).
describe('isbn13', () => {
  it.each([
    ['978-2-07-036822-8', '9782070368228'],
    ['9782070368228', '9782070368228'],
    ['2-07-036822-X', '9782070368228'],
    ['2 07 036822 x', '9782070368228'],
    ['979-10-90636-07-1', '9791090636071'],
  ])('%s → %s', (input, canonical) => {
    expect(isbn13(input)).toBe(canonical);
  });

  it.each(['978-2-07-036822-9', '2-07-036822-1', '977-2-07-036822-8', '12345', '', 'ISBN 978207036822'])(
    'refuses %j',
    (input) => {
      expect(isbn13(input)).toBeUndefined();
    },
  );
});
