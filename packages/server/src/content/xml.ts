import { XMLParser } from 'fast-xml-parser';

// One parser setup for every XML document of an EPUB: namespace prefixes dropped (`dc:title` →
// `title`, `epub:type` → `type`), values kept as strings (an ISBN must not become a number), and
// document order kept, so `<a><span>1</span> Titre</a>` reads "1 Titre".
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Numeric references (&#233;) and HTML's named ones (&nbsp; in XHTML navigation documents).
  htmlEntities: true,
});

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

type OrderedNode = Record<string, unknown>;

/** Parses a document into its root pseudo-element (`#document`); throws on malformed XML. */
export function parseXml(bytes: Uint8Array): XmlElement {
  const nodes = parser.parse(new TextDecoder().decode(bytes), true) as OrderedNode[];
  return { name: '#document', attributes: {}, children: nodes.flatMap(toElement) };
}

function toElement(node: OrderedNode): (XmlElement | string)[] {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name.startsWith('?') || name === '#comment') return [];
  if (name === '#text') return [String(node[name])];
  const attributes = Object.fromEntries(
    Object.entries((node[':@'] as Record<string, unknown> | undefined) ?? {}).map(([key, value]) => [
      key,
      String(value),
    ]),
  );
  const children = Array.isArray(node[name]) ? (node[name] as OrderedNode[]).flatMap(toElement) : [];
  return [{ name, attributes, children }];
}

/**
 * The text content of an element, descendants included, in document order. Only XML whitespace
 * collapses: a narrow no-break space before French punctuation is text.
 */
export function textOf(node: XmlElement | string | undefined): string {
  if (node === undefined) return '';
  const raw = (function collect(current: XmlElement | string): string {
    return typeof current === 'string' ? current : current.children.map(collect).join('');
  })(node);
  return raw.replace(/[ \t\r\n]+/g, ' ').trim();
}

/** Child elements of `node` named `name`. */
export function childrenOf(node: XmlElement | undefined, name: string): XmlElement[] {
  if (!node) return [];
  return node.children.filter((child): child is XmlElement => typeof child !== 'string' && child.name === name);
}

/** Every element named `name` under `node`, depth first, not looking inside matches. */
export function descendantsOf(node: XmlElement | undefined, name: string): XmlElement[] {
  if (!node) return [];
  return node.children.flatMap((child) =>
    typeof child === 'string' ? [] : child.name === name ? [child] : descendantsOf(child, name),
  );
}

/** The attribute `name` of `node`, or null. */
export function attributeOf(node: XmlElement | undefined, name: string): string | null {
  return node?.attributes[name] ?? null;
}

/** A parser's complaint, on one line and short, for a message an editor reads. */
export function xmlFault(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return message.length > 120 ? `${message.slice(0, 117)}…` : message;
}
