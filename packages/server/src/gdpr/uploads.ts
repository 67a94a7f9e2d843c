// The `uploads` section of the GDPR export: the books files an editor uploaded (name, size, status, the
// book it made). The files themselves are the publisher's, not the editor's personal data.
import type { Exporter } from './registry.ts';

export const uploadsExporter: Exporter = {
  name: 'uploads',
  tables: ['public.book_uploads'],
  async export(db, userId) {
    const { rows } = await db.query(
      `select jsonb_build_object(
                'id', u.id, 'filename', u.filename, 'size', u.size, 'status', u.status,
                'bookId', u.book_id, 'createdAt', u.created_at, 'processedAt', u.processed_at) as row
         from public.book_uploads u
        where u.created_by = $1
        order by u.created_at`,
      [userId],
    );
    return (rows as { row: unknown }[]).map((r) => r.row);
  },
};
