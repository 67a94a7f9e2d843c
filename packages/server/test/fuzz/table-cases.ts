// The tables and views PostgREST exposes: odd filters, selects, orders, ranges and preferences on every one, and
// bad values in the columns a reader may write (inserts and updates, through the same triggers and checks as real
// writes). Each value goes to one column of every other table (spread over the columns), so the count grows with
// tables only.
import { encode, type FuzzCase, URL_VALUES } from './cases.ts';
import { BAD_VALUES, jsonOf } from './values.ts';

export interface ExposedTable {
  name: string;
  columns: { name: string; type: string; insert: boolean; update: boolean }[];
}

/** Relations of the exposed schemas (`$1`, a text[]) that anon or authenticated may read, with their columns. */
export const TABLE_QUERY = `
  select c.relname as name,
         json_agg(json_build_object(
           'name', a.attname,
           'type', format_type(a.atttypid, a.atttypmod),
           'insert', has_column_privilege('authenticated', c.oid, a.attnum, 'INSERT'),
           'update', has_column_privilege('authenticated', c.oid, a.attnum, 'UPDATE')
         ) order by a.attnum) as columns
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
   where n.nspname = any($1::text[]) and c.relkind in ('r', 'v', 'm', 'p')
     and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT'))
   group by c.oid, c.relname
   order by c.relname`;

/** Query strings PostgREST must refuse with a 4xx, whatever the table. */
const ODD_QUERIES: [string, string][] = [
  ['unknown column in select', 'select=nope'],
  ['unknown embedding', 'select=*,nope(*)'],
  ['aggregate', 'select=count(),sum(nope)'],
  ['unknown order column', 'order=nope.desc'],
  ['bad order direction', 'order=ctid.sideways'],
  ['negative limit', 'limit=-1'],
  ['limit not a number', 'limit=x'],
  ['limit beyond int8', 'limit=99999999999999999999'],
  ['negative offset', 'offset=-1'],
  ['unbalanced or', 'or=('],
  ['empty and', 'and=()'],
  ['unterminated in', 'ctid=in.(1,2'],
  ['unknown operator', 'ctid=regex.x'],
  ['full-text on no column', 'nope=fts(xx).x'],
  ['deep logic', `or=(${'and('.repeat(200)}${')'.repeat(200)})`],
];

/** Headers PostgREST reads on reads: ranges, preferences, representations. */
const ODD_READ_HEADERS: [string, Record<string, string>][] = [
  ['range reversed', { range: '10-1' }],
  ['range garbage', { range: 'abc' }],
  ['range huge', { range: `0-${'9'.repeat(30)}` }],
  ['range unit', { range: '0-1', 'range-unit': 'bytes' }],
  ['prefer count=exact', { prefer: 'count=exact' }],
  ['prefer garbage', { prefer: 'handling=strict, garbage=1' }],
  ['prefer max-affected', { prefer: 'handling=strict, max-affected=-1' }],
  ['accept single object', { accept: 'application/vnd.pgrst.object+json' }],
  ['accept csv', { accept: 'text/csv' }],
  ['accept plan', { accept: 'application/vnd.pgrst.plan+json' }],
  ['accept garbage', { accept: 'garbage/garbage' }],
  ['accept-profile private', { 'accept-profile': 'private' }],
];

export interface TableCaseOptions {
  /** Request headers per role: apikey and Authorization. */
  roles: Record<string, () => Record<string, string>>;
  /** The role that gets every case; the others get the baseline (the parsing behind it is the same for all). */
  fullRole: string;
  /** The table's position: which half of the filter and column values it sends (neighbours send the other). */
  index: number;
}

/** The cases of one exposed table or view for every role. */
export function tableCases(table: ExposedTable, options: TableCaseOptions): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const path = `/rest/v1/${table.name}`;
  const insertable = table.columns.filter((column) => column.insert);
  const updatable = table.columns.filter((column) => column.update);
  // A filter no row matches: updates parse and cast their body but change nothing.
  const nothing = `${encode(table.columns[0]?.name ?? 'id')}=is.null`;

  for (const [role, headersOf] of Object.entries(options.roles)) {
    const add = (name: string, init: Partial<FuzzCase> & { path: string }) => {
      cases.push({ layer: 'rest', role, name, method: 'GET', ...init, headers: { ...headersOf(), ...init.headers } });
    };
    add('baseline', { path: `${path}?select=*&limit=1` });
    if (role !== options.fullRole) continue;
    for (const [label, query] of ODD_QUERIES) add(label, { path: `${path}?${query}` });

    for (const [label, headers] of ODD_READ_HEADERS) add(label, { path: `${path}?select=*&limit=1`, headers });
    URL_VALUES.forEach(([label, value], i) => {
      if (i % 2 !== options.index % 2) return;
      const column = table.columns[i % table.columns.length];
      if (column)
        add(`${column.name}=eq.${label}`, { path: `${path}?select=*&limit=1&${encode(column.name)}=eq.${value}` });
    });
    const json = { 'content-type': 'application/json' };
    BAD_VALUES.forEach((bad, i) => {
      if (i % 2 !== options.index % 2) return;
      const insert = insertable[i % Math.max(insertable.length, 1)];
      if (insert) {
        add(`insert ${insert.name} = ${bad.label}`, {
          method: 'POST',
          path,
          body: `{${JSON.stringify(insert.name)}:${jsonOf(bad)}}`,
          headers: json,
        });
      }
      const update = updatable[i % Math.max(updatable.length, 1)];
      if (update) {
        add(`update ${update.name} = ${bad.label}`, {
          method: 'PATCH',
          path: `${path}?${nothing}`,
          body: `{${JSON.stringify(update.name)}:${jsonOf(bad)}}`,
          headers: json,
        });
      }
    });
  }
  return cases;
}
