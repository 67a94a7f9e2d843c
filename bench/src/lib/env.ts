// Bench settings from the environment: a bad value stops the bench with the variable's name rather
// than measuring something else than asked.

/** A non-negative integer from `name`, or `fallback` when unset or empty. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer; got ${raw}`);
  return value;
}

/** Positive integers separated by commas from `name`, or `fallback` when unset or empty. */
export function intsFromEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new Error(`${name} must be positive integers separated by commas; got ${raw}`);
  }
  return values;
}
