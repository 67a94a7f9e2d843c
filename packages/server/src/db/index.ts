export { type ActingUser, type AsUserOptions, asUser, hasPermission } from './as-user.ts';
export {
  type CheckOptions,
  type CheckResult,
  checkExtensions,
  checkMigrations,
  describeDbFailure,
  type ExtensionsResult,
  pingDatabase,
  withTimeout,
} from './checks.ts';
export { type CreatePoolOptions, createPool, describeDatabaseUrl, type Queryable } from './pool.ts';
export { rows, sqlState } from './rows.ts';
export { type Database, inTransaction, type TransactionClient, withTransaction } from './transaction.ts';

/** Extensions the migrations rely on; the Node entry refuses to start without them. */
export const REQUIRED_EXTENSIONS = ['pgcrypto', 'pg_trgm', 'unaccent'] as const;
