/**
 * The canonical ISBN-13 of a valid ISBN-10 or ISBN-13 (hyphens, spaces and a `urn:isbn:` or `ISBN`
 * prefix ignored), or null: the same rule as `private.isbn13` in the catalog migration, so a value
 * accepted here is accepted by the `books_isbn_valid` check.
 */
export function isbn13(value: string): string | null {
  const digits = value
    .replace(/^\s*(urn:isbn:|isbn(-1[03])?:?)/i, '')
    .replace(/[\s-]/g, '')
    .toUpperCase();
  let twelve: string;
  if (/^\d{9}[\dX]$/.test(digits)) {
    let total = 0;
    for (let i = 0; i < 10; i += 1) total += (digits[i] === 'X' ? 10 : Number(digits[i])) * (10 - i);
    if (total % 11 !== 0) return null;
    twelve = `978${digits.slice(0, 9)}`;
  } else if (/^97[89]\d{10}$/.test(digits)) twelve = digits.slice(0, 12);
  else return null;
  let total = 0;
  for (let i = 0; i < 12; i += 1) total += Number(twelve[i]) * (i % 2 === 0 ? 1 : 3);
  const check = String((10 - (total % 10)) % 10);
  if (digits.length === 13 && digits[12] !== check) return null;
  return twelve + check;
}

/** ISBNs written in running text ("ISBN 978-2-7310-0014-8"), in order, valid ones only, deduplicated. */
export function isbnsInText(text: string): string[] {
  const found = [...text.matchAll(/ISBN(?:-1[03])?[:\s]*((?:97[89][\s-]?)?(?:\d[\s-]?){9}[\dXx])/g)]
    .map((match) => isbn13(match[1] ?? ''))
    .filter((isbn): isbn is string => isbn !== null);
  return [...new Set(found)];
}
