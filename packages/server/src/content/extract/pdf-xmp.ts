import { attributeOf, descendantsOf, parseXml, textOf, type XmlElement } from '../xml.ts';

/** The Dublin Core (and PRISM) fields of a PDF's XMP packet that a catalog entry uses. */
export interface XmpFields {
  title: string | null;
  creators: string[];
  description: string | null;
  language: string | null;
  publisher: string | null;
  date: string | null;
  identifiers: string[];
}

const EMPTY: XmpFields = {
  title: null,
  creators: [],
  description: null,
  language: null,
  publisher: null,
  date: null,
  identifiers: [],
};

/**
 * Reads an XMP packet (RDF/XML). A property is an element (`<dc:creator><rdf:Seq><rdf:li>…`) or an
 * attribute of `rdf:Description` (`prism:isbn="…"`); namespace prefixes are dropped by the shared
 * parser. A packet that is not XML gives no field: the info dictionary is still there.
 */
export function readXmp(packet: string | null): XmpFields {
  if (!packet) return EMPTY;
  let descriptions: XmlElement[];
  try {
    descriptions = descendantsOf(parseXml(new TextEncoder().encode(packet)), 'Description');
  } catch {
    return EMPTY;
  }
  const values = (...properties: string[]): string[] =>
    properties.flatMap((property) =>
      descriptions.flatMap((description) => [
        ...[attributeOf(description, property)].filter((value): value is string => Boolean(value)),
        ...descendantsOf(description, property).flatMap((element) => {
          const items = descendantsOf(element, 'li');
          // A language alternative (rdf:Alt) lists the default first.
          return (items.length > 0 ? items : [element]).map((item) => textOf(item)).filter(Boolean);
        }),
      ]),
    );
  return {
    title: values('title')[0] ?? null,
    creators: values('creator'),
    description: values('description')[0] ?? null,
    language: values('language')[0] ?? null,
    publisher: values('publisher')[0] ?? null,
    date: values('publicationDate', 'date')[0] ?? null,
    identifiers: values('isbn', 'identifier'),
  };
}
