// ISBN validation in TypeScript, identical to the database's private.isbn13 (20261121000200_catalog.sql), so the
// API refuses a bad ISBN with a 400 naming the field before the books_isbn_valid constraint would.

/** The canonical ISBN-13 of a valid ISBN-10 or ISBN-13 (hyphens and spaces ignored), as `private.isbn13`. */
export function isbn13(isbn: string): string | undefined {
  let digits = isbn.replace(/[\s-]/g, '').toUpperCase();
  if (/^[0-9]{9}[0-9X]$/.test(digits)) {
    let total = 0;
    for (let i = 0; i < 10; i++) total += (digits[i] === 'X' ? 10 : Number(digits[i])) * (10 - i);
    if (total % 11 !== 0) return undefined;
    digits = `978${digits.slice(0, 9)}`;
  } else if (!/^97[89][0-9]{10}$/.test(digits)) return undefined;
  let total = 0;
  for (let i = 0; i < 12; i++) total += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  const check = String((10 - (total % 10)) % 10);
  if (digits.length === 13) return digits[12] === check ? digits : undefined;
  return digits + check;
}
