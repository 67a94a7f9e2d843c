import { z } from '@hono/zod-openapi';

/** The one error body, as published in the OpenAPI document. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_ERROR' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      id: z.string().openapi({ description: 'Request id; also in X-Request-Id, the logs and the error tracker.' }),
    }),
  })
  .openapi('Error');

export const CheckSchema = z
  .object({
    status: z.enum(['ok', 'error', 'skipped']),
    latencyMs: z.number().optional(),
    reason: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi('Check');

export const errorResponses = {
  500: { description: 'Unexpected error', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

// C0 controls (NUL, tab, newlines…), DEL and C1 controls; and UTF-16 surrogates that are not part of a pair
// (JSON may carry `\ud800`, which has no UTF-8 form). Postgres refuses NUL (22021, 22P05 in jsonb); the others
// are never meaningful in a name or an id.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` holds a control character (C0, DEL, C1) or a lone surrogate. */
export function hasForbiddenCharacters(value: string): boolean {
  return CONTROL.test(value) || LONE_SURROGATE.test(value);
}

/** Length in Unicode code points (what Postgres' `char_length` counts), not UTF-16 units. */
export const codePoints = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

export interface TextOptions {
  /** Fewest code points (default 1). */
  min?: number;
  /** Most code points (Postgres' char_length). */
  max: number;
  /** Normalise to Unicode NFC and trim surrounding white space (default true; false keeps opaque ids as sent). */
  normalize?: boolean;
}

/**
 * A string of printable text: no control characters (C0, DEL, C1) and no lone surrogates, `min`..`max` code
 * points; by default normalised to NFC and trimmed, so that `é` typed either way is stored once.
 *
 * @example
 * ```ts
 * const Body = z.object({ name: text({ max: 100 }) })
 * ```
 */
export function text(options: TextOptions) {
  const { min, max, normalize } = { min: 1, normalize: true, ...options };
  const base = normalize ? z.string().normalize('NFC').trim() : z.string();
  return base
    .refine((value) => !hasForbiddenCharacters(value), 'must not contain control characters')
    .refine((value) => codePoints(value) >= min, `must be at least ${min} character${min === 1 ? '' : 's'} long`)
    .refine((value) => codePoints(value) <= max, `must be at most ${max} characters long`);
}
