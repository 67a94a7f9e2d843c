import { ValidationError } from '../core/errors';
import { validate } from '../core/validate';
import { BOOK_LISTS, bookInputSchema } from './schemas';

function invalid(field: string, message: string): never {
  throw new ValidationError(message, { details: { field, message, issues: [{ field, message }] } });
}

/**
 * A book input checked before any request: the scalar fields by `bookInputSchema`, the id and country lists
 * (distinct, well-formed, bounded) and `metadata` (a plain object) here.
 */
export function checkBookInput(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) invalid('input', 'input must be an object');
  const { metadata, ...rest } = input as Record<string, unknown>;
  const lists: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(BOOK_LISTS)) {
    const value = rest[field];
    delete rest[field];
    if (value === undefined) continue;
    if (!Array.isArray(value)) invalid(field, `${field} must be an array`);
    if (value.length > rule.max) invalid(field, `${field} must have at most ${rule.max} items`);
    value.forEach((item, i) => {
      if (typeof item !== 'string' || !rule.item.test(item)) invalid(`${field}.${i}`, `${field}.${i} is invalid`);
    });
    if (new Set(value).size !== value.length) invalid(field, `${field} must not repeat an item`);
    lists[field] = value;
  }
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)))
    invalid('metadata', 'metadata must be an object');
  const body = validate(bookInputSchema, rest, 'input') as Record<string, unknown>;
  return { ...body, ...lists, ...(metadata === undefined ? {} : { metadata }) };
}
