import * as z from 'zod/mini';

/** Annotation kinds (the `annotation_kind` enum). */
export const ANNOTATION_KINDS = ['highlight', 'note', 'bookmark'] as const;

/** Device types (the `device_type` enum). */
export const DEVICE_TYPES = ['web', 'android', 'ios', 'other'] as const;

/** Longest `note` / `selectedText`, in characters. */
export const MAX_ANNOTATION_TEXT = 10_000;

const fraction = z.number().check(z.gte(0), z.lte(1));
const excerpt = z.optional(z.string().check(z.maxLength(2000)));
const longText = z.nullish(z.string().check(z.maxLength(MAX_ANNOTATION_TEXT)));

/** A Readium locator, as the database's `private.is_valid_locator` accepts it. */
export const locatorSchema = z.object({
  href: z.string().check(z.maxLength(2048), z.regex(/./)),
  type: z.string().check(z.regex(/./)),
  title: z.optional(z.string()),
  // Loose: Readium's other locations (`fragments`, `cssSelector`, `partialCfi` …) are kept as sent.
  locations: z.looseObject({
    progression: fraction,
    totalProgression: fraction,
    position: z.optional(z.int().check(z.gte(1))),
  }),
  text: z.optional(z.object({ before: excerpt, highlight: excerpt, after: excerpt })),
});

/** `reading.saveProgress()` arguments. */
export const progressSchema = z.object({ bookId: z.guid(), locator: locatorSchema });

const annotationFields = {
  kind: z.enum(ANNOTATION_KINDS),
  locator: locatorSchema,
  selectedText: longText,
  note: longText,
  color: z.optional(z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/))),
};

/** `reading.annotations.create()` input. */
export const newAnnotationSchema = z.object({ id: z.optional(z.guid()), bookId: z.guid(), ...annotationFields });

/** `reading.annotations.update()` patch. */
export const annotationPatchSchema = z.object({
  kind: z.optional(annotationFields.kind),
  locator: z.optional(locatorSchema),
  selectedText: longText,
  note: longText,
  color: annotationFields.color,
});

/** Write options: `deviceId` (the database keeps ≤ 64 characters). */
export const writeOptionsSchema = z.object({ deviceId: z.optional(z.string().check(z.maxLength(64))) });

/** `reading.sessions.start()` input. */
export const sessionStartSchema = z.object({ deviceType: z.enum(DEVICE_TYPES), startProgression: fraction });

/** `reading.sessions.end()` input. */
export const sessionEndSchema = z.object({
  endProgression: fraction,
  pagesRead: z.int().check(z.gte(0)),
  bookId: z.optional(z.guid()),
});

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** `reading.stats()` range. */
export const statsRangeSchema = z.object({ from: day, to: day, tz: z.optional(z.string()) });

/** `reading.notes.*()` parameters (the server checks the time zone itself). */
export const notesExportSchema = z.object({
  lang: z.optional(z.enum(['fr', 'en'])),
  tz: z.optional(z.string().check(z.maxLength(64))),
});
