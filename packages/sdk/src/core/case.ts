// Coko's public results and parameters are camelCase (docs/DECISIONS.md "One casing"). Rows come
// from Postgres in snake_case; these turn a row's keys, one level deep, into the public casing.
// One level only: JSON values (a Readium `locator`, a book's `metadata`, `preferences`) are the
// client's or the editor's data and keep the keys they were written with.

/** `snake_case` → `camelCase`, as a type: `cover_path` → `coverPath`. */
export type CamelCase<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/** An object type with its keys in camelCase (one level: values keep their types). */
export type Camel<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };

/** `cover_path` → `coverPath`. */
export const camelKey = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A row with its keys in camelCase (one level deep; values, `null`s included, unchanged). */
export function camel<T extends object>(row: T): Camel<T> {
  const out: Record<string, unknown> = {};
  for (const key in row) out[camelKey(key)] = row[key];
  return out as Camel<T>;
}
