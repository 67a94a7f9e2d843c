import type * as z from 'zod/mini';
import { ValidationError, type ValidationIssue } from './errors';

type Issue = z.core.$ZodIssue;

/** Short English message per issue; zod/mini ships no locale (that keeps the bundle small). */
function describe(field: string, issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `${field} is required`
        : `${field} must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `${field} must not be empty`
        : `${field} must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${field} must be at most ${issue.maximum} characters`
        : `${field} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `${field} must be a valid ${issue.format === 'regex' ? 'value' : issue.format}`;
    case 'unrecognized_keys':
      return `${field ? `${field}: ` : ''}unknown option ${issue.keys.join(', ')}`;
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : `${field} is invalid`;
  }
}

/**
 * Parses `input` with a zod/mini schema, or throws a `ValidationError` whose `details` name the
 * first offending field (`{ field, message, issues }`). Runs before any request is sent.
 */
export function validate<S extends z.ZodMiniType>(schema: S, input: unknown, name = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : name;
    return { field, message: describe(field, issue) };
  });
  const first = issues[0] ?? { field: name, message: `${name} is invalid` };
  throw new ValidationError(first.message, { details: { ...first, issues } });
}
