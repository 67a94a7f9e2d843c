// The `reading` section of the GDPR export: progress, annotations (tombstones included: the reader
// deleted them, but Coko still holds the row) and reading sessions.
import type { Exporter } from './registry.ts';

const rowsOf = async (db: Parameters<Exporter['export']>[0], sql: string, userId: string) => {
  const { rows } = await db.query(sql, [userId]);
  return (rows as { row: unknown }[]).map((r) => r.row);
};

export const readingExporter: Exporter = {
  name: 'reading',
  tables: ['public.reading_progress', 'public.annotations', 'public.reading_sessions'],
  async export(db, userId) {
    return {
      progress: await rowsOf(
        db,
        `select to_jsonb(p) - 'user_id' - 'change_seq' as row from public.reading_progress p
          where p.user_id = $1 order by p.updated_at`,
        userId,
      ),
      annotations: await rowsOf(
        db,
        `select to_jsonb(a) - 'user_id' - 'change_seq' as row from public.annotations a
          where a.user_id = $1 order by a.created_at`,
        userId,
      ),
      sessions: await rowsOf(
        db,
        `select to_jsonb(s) - 'user_id' - 'change_seq' as row from public.reading_sessions s
          where s.user_id = $1 order by s.started_at`,
        userId,
      ),
    };
  },
};
