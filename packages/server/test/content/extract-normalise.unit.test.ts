import { describe, expect, it } from 'vitest';
import { isbn13, isbnsInText } from '../../src/content/extract/isbn.ts';
import { fitText, normaliseDate, normaliseLanguage, plainText } from '../../src/content/extract/normalise.ts';

const collect = () => {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => warnings.push(message) };
};

describe('isbn13 (the rule of private.isbn13)', () => {
  it.each([
    ['9780306406157', '9780306406157'],
    ['978-0-306-40615-7', '9780306406157'],
    ['urn:isbn:978 0 306 40615 7', '9780306406157'],
    ['ISBN: 0-306-40615-2', '9780306406157'],
    ['080442957X', '9780804429573'],
    ['9790000000001', '9790000000001'],
    ['978-0-306-40615-8', null],
    ['0-306-40615-3', null],
    ['9770306406157', null],
    ['urn:uuid:0b0c7e3a-1111-4aaa-8bbb-222233334444', null],
    ['', null],
  ])('%s → %s', (value, expected) => {
    expect(isbn13(value)).toBe(expected);
  });

  it('finds ISBNs in running text', () => {
    expect(isbnsInText('© 2024 Teranga. ISBN 978-0-306-40615-7. Dépôt légal. ISBN-10: 0-306-40615-2 ISBN 123')).toEqual(
      ['9780306406157'],
    );
  });
});

describe('normaliseLanguage', () => {
  it.each([
    ['fr', 'fr'],
    ['FR', 'fr'],
    ['fr-SN', 'fr-SN'],
    ['fr_sn', 'fr-SN'],
    ['en-US-x-private', 'en-US'],
    ['zh-Hans-CN', 'zh-CN'],
    ['wo', 'wo'],
    ['', null],
  ])('%s → %s', (value, expected) => {
    expect(normaliseLanguage(value, collect().warn)).toBe(expected);
  });

  it.each(['FRE', 'fra', 'français', 'x'])('drops %s with a warning', (value) => {
    const { warnings, warn } = collect();
    expect(normaliseLanguage(value, warn)).toBeNull();
    expect(warnings).toHaveLength(1);
  });
});

describe('normaliseDate', () => {
  const now = new Date('2026-12-07T00:00:00Z');
  it.each([
    ['2024-03-15', '2024-03-15'],
    ['2024-03', '2024-03-01'],
    ['2024', '2024-01-01'],
    ['2024-03-15T10:00:00+01:00', '2024-03-15'],
    ['D:20240315103000Z', '2024-03-15'],
    ['20240315', '2024-03-15'],
    ['0101-01-01T00:00:00+00:00', null],
    ['2024-02-30', null],
    ['2040-01-01', null],
    ['mars 2024', null],
  ])('%s → %s', (value, expected) => {
    expect(normaliseDate(value, collect().warn, now)).toBe(expected);
  });
});

describe('plainText and fitText', () => {
  it('plainText drops markup, decodes entities and keeps paragraphs', () => {
    expect(
      plainText('<div><p>Le <i>griot</i> chante&#160;: «&nbsp;Soundjata&nbsp;»</p><p>Fin &amp; suite.</p></div>'),
    ).toBe('Le griot chante\u00a0: «\u00a0Soundjata\u00a0»\n\nFin & suite.');
    expect(plainText('<p> </p>')).toBeNull();
  });

  it('fitText cuts on a word with an ellipsis, counting characters not UTF-16 units', () => {
    const { warnings, warn } = collect();
    const fitted = fitText(`${'Écrire '.repeat(60)}`, 300, 'title', warn);
    expect(fitted?.endsWith('…')).toBe(true);
    expect(Array.from(fitted ?? '').length).toBeLessThanOrEqual(300);
    expect(warnings).toEqual(['The title was longer than 300 characters and was shortened.']);
    const emoji = fitText('📚'.repeat(400), 300, 'title', warn) ?? '';
    expect(Array.from(emoji).length).toBe(300);
    expect(emoji.length).toBeLessThanOrEqual(600);
  });
});
