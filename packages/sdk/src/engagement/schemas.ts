import * as z from 'zod/mini';

const board = z.optional(z.enum(['weekly', 'all_time']));
const uuid = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const scope = z.optional(z.string().check(z.regex(new RegExp(`^(global|partner:${uuid}|group:${uuid})$`))));

/** `engagement.leaderboard()`. */
export const leaderboardSchema = z.strictObject({
  board,
  scope,
  limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
  offset: z.optional(z.int().check(z.gte(0), z.lte(100_000))),
});

/** `engagement.myRank()`. */
export const myRankSchema = z.strictObject({ board, scope });

/** `engagement.ledger()`: the cursor is the last line's id (opaque to apps). */
export const ledgerSchema = z.strictObject({
  cursor: z.optional(z.nullable(z.string().check(z.regex(/^[1-9][0-9]{0,18}$/)))),
  limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
});

/** `engagement.setLeaderboardVisibility()`. */
export const visibilitySchema = z.boolean();
