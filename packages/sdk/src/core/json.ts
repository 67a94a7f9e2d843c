/**
 * A JSON value, as `jsonb` columns hold it. Coko's own (same shape as the generated one), so the
 * public types never reach into the generated database types.
 */
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];
