// The `community-reviews` section of the GDPR export: the reader's reviews (hidden ones too, with why
// they are hidden) and the reviews they found helpful. Other readers' votes on the reader's reviews
// are those readers' data: only their number (helpful_count) comes with each review.
import type { Exporter } from './registry.ts';

const rowsOf = async (db: Parameters<Exporter['export']>[0], sql: string, userId: string) => {
  const { rows } = await db.query(sql, [userId]);
  return (rows as { row: unknown }[]).map((r) => r.row);
};

export const communityReviewsExporter: Exporter = {
  name: 'community-reviews',
  tables: ['public.reviews', 'public.review_votes'],
  async export(db, userId) {
    return {
      reviews: await rowsOf(
        db,
        `select to_jsonb(r) - 'user_id' || jsonb_build_object('book_title', b.title) as row
           from public.reviews r join public.books b on b.id = r.book_id
          where r.user_id = $1 order by r.created_at, r.id`,
        userId,
      ),
      helpfulVotes: await rowsOf(
        db,
        `select jsonb_build_object('review_id', v.review_id, 'book_id', r.book_id, 'created_at', v.created_at) as row
           from public.review_votes v join public.reviews r on r.id = v.review_id
          where v.user_id = $1 order by v.created_at, v.review_id`,
        userId,
      ),
    };
  },
};
