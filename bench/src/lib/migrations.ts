import { basename } from 'node:path';
import { migrationsDir, readMigrations } from '@coko/server/dev';

/** The migrations a bench ran against, by file, with a short checksum (recorded in the results). */
export function migrationChecksums(): Record<string, string> {
  return Object.fromEntries(
    readMigrations(migrationsDir()).map((file) => [basename(file.path), file.checksum.slice(0, 12)]),
  );
}
