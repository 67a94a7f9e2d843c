// The bad-input tables of the fuzz test: a fixed, hand-made list (no randomness), so every run sends the same cases
// and a failure names the exact value. Each entry is [label, value]; labels appear in failure reports.

/** A JSON value sent in place of a field (`raw` when JSON.stringify cannot express it, e.g. 1e400 or a duplicate key). */
export type BadValue = { label: string; value: unknown } | { label: string; raw: string };

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Strings: empty, huge, unicode, control characters, injections, look-alikes of other types. */
export const BAD_STRINGS: [string, string][] = [
  ['empty', ''],
  ['space', ' '],
  ['whitespace only', '\t\n \r'],
  ['NUL', '\u0000'],
  ['NUL inside', 'a\u0000b'],
  ['C0 controls', '\u0001\u0002\u001b[31m\u001f'],
  ['DEL and C1 controls', '\u007f\u0085\u009b\u009f'],
  ['CRLF injection', 'a\r\nSet-Cookie: x=1'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', 'x\udc00y'],
  ['BOM', '\ufeffabc'],
  ['zero-width and bidi overrides', '\u200b\u200d\u202eevil\u2066'],
  ['noncharacters', '\ufffe\uffff'],
  ['emoji', '😀👩🏾‍💻🇸🇳'],
  ['NFD accents', 'e\u0301le\u0300ve'],
  ['West African letters', 'ŋɗɓƴ Ɛɔ'],
  ['RTL script', 'مرحبا بالعالم'],
  ['CJK', '漢字かなカナ'],
  ['4-byte only', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'],
  ['long 300', 'x'.repeat(300)],
  ['long 10k', 'é'.repeat(10_000)],
  ['long 200k', 'a'.repeat(200_000)],
  ['SQL injection', "' or 1=1; drop table books; --"],
  ['PostgREST operators', 'eq.1,or(id.gt.0)'],
  ['percent-encoded NUL', '%00'],
  ['path traversal', '../../../../etc/passwd'],
  ['HTML', '<script>alert(1)</script>'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell-style payload, sent literally
  ['template', '${jndi:ldap://x}{{7*7}}'],
  ['number-like', '-1'],
  ['float-like', '1e999'],
  ['NaN', 'NaN'],
  ['Infinity', '-Infinity'],
  ['boolean-like', 'true'],
  ['null-like', 'null'],
  ['JSON-like', '{"a":[1]}'],
  ['nil uuid', '00000000-0000-0000-0000-000000000000'],
  ['uuid braces', '{6f1c2a0e-8d1b-4a51-9c36-0d0c5c2b7e11}'],
  ['uuid upper no dashes', '6F1C2A0E8D1B4A519C360D0C5C2B7E11'],
  ['bad date', '2026-13-45'],
  ['far date', '294277-01-01'],
  ['infinity date', 'infinity'],
  ['timestamp', '9999-12-31T23:59:59.999999Z'],
];

/** Non-string JSON values: numbers at type boundaries, booleans, null, arrays, objects, deep nesting. */
export const BAD_NON_STRINGS: BadValue[] = [
  { label: 'null', value: null },
  { label: 'true', value: true },
  { label: 'false', value: false },
  { label: 'zero', value: 0 },
  { label: 'negative', value: -1 },
  { label: 'negative fraction', value: -0.5 },
  { label: 'fraction', value: 1.5 },
  { label: 'int4 max + 1', value: 2_147_483_648 },
  { label: 'int4 min - 1', value: -2_147_483_649 },
  { label: 'beyond int8', raw: '92233720368547758070' },
  { label: 'beyond double', raw: '1e400' },
  { label: 'minus zero', raw: '-0' },
  { label: 'tiny', value: 5e-324 },
  { label: 'empty array', value: [] },
  { label: 'array of null', value: [null] },
  { label: 'array of strings', value: ['a', 'b'] },
  { label: 'array of 2000 numbers', value: Array.from({ length: 2000 }, (_, i) => i) },
  { label: 'empty object', value: {} },
  { label: 'object', value: { a: 1, b: 'x' } },
  { label: '__proto__ key', raw: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}' },
  { label: 'duplicate keys', raw: '{"a":1,"a":2}' },
  { label: 'nested arrays 500 deep', raw: deepArray(500) },
  { label: 'nested objects 500 deep', raw: deepObject(500) },
];

/** Every bad value for a JSON field. */
export const BAD_VALUES: BadValue[] = [
  ...BAD_STRINGS.map(([label, value]) => ({ label: `string: ${label}`, value })),
  ...BAD_NON_STRINGS,
];

/** The JSON text of a bad value. */
export function jsonOf(value: BadValue): string {
  return 'raw' in value ? value.raw : JSON.stringify(value.value);
}

/** Request bodies that are not valid JSON (or not an object). */
export const MALFORMED_BODIES: [string, string][] = [
  ['empty body', ''],
  ['only whitespace', ' \n\t '],
  ['open brace', '{'],
  ['close brace', '}'],
  ['missing value', '{"a":}'],
  ['trailing comma', '{"a":1,}'],
  ['single quotes', "{'a':1}"],
  ['unquoted key', '{a:1}'],
  ['bare word', 'undefined'],
  ['truncated literal', 'nul'],
  ['NaN literal', '{"a":NaN}'],
  ['comment', '{"a":1 /* c */}'],
  ['invalid escape', '{"a":"\\x41"}'],
  ['escaped NUL', '{"a":"\\u0000"}'],
  ['escaped lone surrogate', '{"a":"\\ud800"}'],
  ['raw control char in string', '{"a":"\u0001"}'],
  ['two documents', '{}{}'],
  ['BOM then object', '\ufeff{}'],
  ['NUL byte', '\u0000'],
  ['JSON array', '[]'],
  ['array of objects', '[{},{}]'],
  ['JSON string', '"x"'],
  ['JSON number', '42'],
  ['JSON null', 'null'],
  ['JSON true', 'true'],
  ['deeply nested array', deepArray(20_000)],
  ['form-encoded', 'a=1&b=2'],
  ['XML', '<?xml version="1.0"?><a/>'],
];

/** Content types sent with an otherwise valid JSON body. */
export const ODD_CONTENT_TYPES: (string | null)[] = [
  null,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/vnd.pgrst.object+json',
  'application/json-patch+json',
  'text/csv',
  'application/xml',
  'APPLICATION/JSON',
  ';;;',
  'application/json, text/plain',
];

/** Header values a fetch client can send (ByteStrings): odd shapes for Authorization, apikey, x-request-id… */
export const ODD_HEADER_VALUES: [string, string][] = [
  ['empty', ''],
  ['space', ' '],
  ['long 4k', 'A'.repeat(4096)],
  ['latin1 bytes', 'caf\u00e9\u00ff'],
  ['tab inside', 'a\tb'],
  ['comma list', 'a, b, c'],
  ['quotes', '"quoted"'],
  ['semicolons', ';;;='],
  ['path', '../../x'],
];

/** Authorization header values that are not a valid credential for anyone. */
export function oddAuthorizations(jwts: { alg_none: string; expired: string; wrongKey: string; hugeClaims: string }) {
  return [
    ['no scheme', 'abc'],
    ['Bearer alone', 'Bearer'],
    ['Bearer space', 'Bearer '],
    ['Basic', 'Basic dXNlcjpwYXNz'],
    ['lower-case bearer junk', 'bearer x.y.z'],
    ['three dots', 'Bearer ...'],
    ['not base64', 'Bearer !!!.@@@.###'],
    ['alg none', `Bearer ${jwts.alg_none}`],
    ['expired', `Bearer ${jwts.expired}`],
    ['signed with another key', `Bearer ${jwts.wrongKey}`],
    ['huge claims', `Bearer ${jwts.hugeClaims}`],
    ['sk_ shape, unknown', `Bearer sk_${'A'.repeat(16)}_${'b'.repeat(32)}`],
    ['sk_ truncated', 'Bearer sk_'],
    ['pk_ as bearer', `Bearer pk_${'A'.repeat(16)}_${'b'.repeat(32)}`],
    ['sb_ secret-like', 'Bearer sb_secret_nope'],
    ['two credentials', 'Bearer a, Bearer b'],
    ['long 8k', `Bearer ${'x'.repeat(8000)}`],
  ] as [string, string][];
}
