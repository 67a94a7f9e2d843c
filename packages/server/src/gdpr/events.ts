// The `events` section of the GDPR export: the domain events logged about the reader (what happened and
// when, with the facts the consumers read), from the outbox private.domain_events.
import type { Exporter } from './registry.ts';

export const eventsExporter: Exporter = {
  name: 'events',
  tables: ['private.domain_events'],
  async export(db, userId) {
    const { rows } = await db.query(
      `select jsonb_build_object('kind', e.kind, 'subjectId', e.subject_id, 'payload', e.payload,
                                 'occurredAt', e.occurred_at) as row
         from private.domain_events e
        where e.user_id = $1
        order by e.id`,
      [userId],
    );
    return (rows as { row: unknown }[]).map((r) => r.row);
  },
};
