import { XMLParser } from 'fast-xml-parser';

// One parser setup for every XML document of an EPUB: attributes grouped under `@`, namespace
// prefixes dropped (`dc:title` → `title`, `epub:type` → `type`), values kept as strings (an ISBN
// must not become a number), the elements that repeat always arrays.
const REPEATED = new Set([
  'rootfile',
  'item',
  'itemref',
  'meta',
  'creator',
  'identifier',
  'title',
  'language',
  'li',
  'nav',
  'navPoint',
  'pageTarget',
  'link',
]);

const ATTRIBUTES = '@';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: ATTRIBUTES,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

export type XmlNode = Record<string, unknown>;

/** Parses a document; throws on malformed XML. */
export function parseXml(bytes: Uint8Array): XmlNode {
  return parser.parse(new TextDecoder().decode(bytes), true) as XmlNode;
}

/** The text content of a node, descendants included (document order within one element name). */
export function textOf(node: unknown): string {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(textOf).join(' ');
  if (typeof node !== 'object' || node === null) return '';
  const record = node as XmlNode;
  const own = typeof record['#text'] === 'string' ? [record['#text']] : [];
  const children = Object.entries(record)
    .filter(([key]) => key !== '#text' && key !== ATTRIBUTES)
    .map(([, value]) => textOf(value));
  return [...own, ...children].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
}

/** Children of `node` named `name`, always as an array. */
export function childrenOf(node: unknown, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as XmlNode)[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) =>
    typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': String(item) },
  );
}

/** The string attribute `name` of `node`, or null. */
export function attributeOf(node: unknown, name: string): string | null {
  if (typeof node !== 'object' || node === null) return null;
  const attributes = (node as XmlNode)[ATTRIBUTES];
  if (typeof attributes !== 'object' || attributes === null) return null;
  const value = (attributes as XmlNode)[name];
  return typeof value === 'string' ? value : null;
}
