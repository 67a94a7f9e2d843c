import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Camel, camel, camelKey } from '../src/core/case';

describe('camel', () => {
  it('turns snake_case keys into camelCase, one level deep', () => {
    const row = {
      id: 'b1',
      cover_path: 'covers/b1.jpg',
      rating_average: null,
      list_authors: [{ id: 'a1', name: 'Awa' }],
      metadata: { original_title: 'Kept as written' },
    };
    const book = camel(row);
    expect(book).toEqual({
      id: 'b1',
      coverPath: 'covers/b1.jpg',
      ratingAverage: null,
      listAuthors: [{ id: 'a1', name: 'Awa' }],
      metadata: { original_title: 'Kept as written' },
    });
    expectTypeOf(book).toEqualTypeOf<Camel<typeof row>>();
    expectTypeOf(book.coverPath).toEqualTypeOf<string>();
  });

  it('leaves camelCase and digit-suffixed keys alone or joins them', () => {
    expect(camelKey('deviceUpdatedAt')).toBe('deviceUpdatedAt');
    expect(camelKey('iso_639_1')).toBe('iso6391');
    expect(camelKey('id')).toBe('id');
  });
});
