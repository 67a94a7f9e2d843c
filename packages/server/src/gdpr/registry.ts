// The GDPR export (right of access, art. 15; portability, art. 20) is assembled from exporters that each
// domain registers: every table that holds user data names the exporter that covers it, and a test fails
// for any user-owned table (a column referencing auth.users, or a `user_id` column) that none covers.
import type { Queryable } from '../db/pool.ts';

export interface Exporter {
  /** Key of this exporter's section in the export (`account`, `reading`, `payments`…). */
  name: string;
  /** Tables it covers, schema-qualified (`public.profiles`, `private.partner_users`). */
  tables: readonly string[];
  /** The user's data from those tables, as JSON-serialisable values. Reads as the API's database role (no RLS). */
  export(db: Queryable, userId: string): Promise<unknown>;
}

/** The document `GET /v1/me/export` returns. */
export interface UserExport {
  format: 'coko-export/1';
  exportedAt: string;
  userId: string;
  /** Which tables each section comes from. */
  sources: Record<string, string[]>;
  data: Record<string, unknown>;
}

/**
 * Exporters by name.
 *
 * @example
 * ```ts
 * registerExporter({
 *   name: 'reading',
 *   tables: ['public.reading_progress', 'public.annotations'],
 *   export: async (db, userId) => ({ progress: (await db.query('select … where user_id = $1', [userId])).rows }),
 * })
 * ```
 */
export class ExportRegistry {
  readonly #exporters = new Map<string, Exporter>();

  /** Adds an exporter; registering the same object again is a no-op, another one under a taken name throws. */
  register(exporter: Exporter): this {
    const known = this.#exporters.get(exporter.name);
    if (known && known !== exporter) throw new Error(`A GDPR exporter named "${exporter.name}" is already registered`);
    for (const table of exporter.tables) {
      if (!/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(table)) {
        throw new Error(`GDPR exporter "${exporter.name}": "${table}" is not a schema-qualified table name`);
      }
    }
    this.#exporters.set(exporter.name, exporter);
    return this;
  }

  list(): Exporter[] {
    return [...this.#exporters.values()];
  }

  /** Every table some exporter covers. */
  coveredTables(): Set<string> {
    return new Set(this.list().flatMap((exporter) => exporter.tables));
  }

  /** Runs every exporter for `userId` (sequentially: one connection at a time) and assembles the document. */
  async exportUser(db: Queryable, userId: string, now: Date = new Date()): Promise<UserExport> {
    const data: Record<string, unknown> = {};
    const sources: Record<string, string[]> = {};
    for (const exporter of this.#exporters.values()) {
      data[exporter.name] = await exporter.export(db, userId);
      sources[exporter.name] = [...exporter.tables];
    }
    return { format: 'coko-export/1', exportedAt: now.toISOString(), userId, sources, data };
  }
}

/** The registry the API uses unless given another (`createApp({ exporters })`). */
export const exportRegistry = new ExportRegistry();

/** Adds an exporter to the default registry (call it from the domain's module). */
export function registerExporter(exporter: Exporter): void {
  exportRegistry.register(exporter);
}
