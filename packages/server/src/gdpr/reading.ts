// The `reading` section of the GDPR export: progress, annotations (tombstones included: the reader
// deleted them, but Coko still holds the row), reading sessions, and when the reader last read (the
// active-readers metric's source).
import type { Exporter } from './registry.ts';

const rowsOf = async (db: Parameters<Exporter['export']>[0], sql: string, userId: string) => {
  const { rows } = await db.query(sql, [userId]);
  return (rows as { row: unknown }[]).map((r) => r.row);
};

export const readingExporter: Exporter = {
  name: 'reading',
  tables: ['public.reading_progress', 'public.annotations', 'public.reading_sessions', 'private.reader_activity'],
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
      lastReadAt: await db
        .query('select last_read_at from private.reader_activity where user_id = $1', [userId])
        .then(({ rows }) => (rows[0] as { last_read_at: Date | string } | undefined)?.last_read_at ?? null),
    };
  },
};
