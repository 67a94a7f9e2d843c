import {
  useBookReviews,
  useDeleteReview,
  useMyReview,
  useRatingSummary,
  useReviewVote,
  useUpsertReview,
} from '@coko/react';
import type { CokoError, RatingSummary, Review, ReviewSort } from '@coko/sdk';
import { type FormEvent, useEffect, useState } from 'react';
import { formatDate } from '../format';
import { signInHref } from '../use-hash-route';

const SORTS: [ReviewSort, string][] = [
  ['newest', 'Plus récents'],
  ['helpful', 'Plus utiles'],
  ['rating_high', 'Meilleures notes'],
  ['rating_low', 'Moins bonnes notes'],
];

const stars = (rating: number) => '★'.repeat(rating) + '☆'.repeat(5 - rating);
const average = (value: number) => value.toLocaleString('fr', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Why a review was not saved, in words for the reader. */
function reviewProblem(error: CokoError): string {
  if (error.code === 'RATE_LIMITED') return 'Trop d’avis en peu de temps : réessayez dans une minute.';
  if (error.code === 'PERMISSION_DENIED') return 'Vous ne pouvez pas publier d’avis pour le moment.';
  return `L’avis n’a pas pu être enregistré : ${error.message}`;
}

/** The book's rating, its reviews (a page at a time, "helpful" votes) and the reader's own review form. */
export function BookReviews({ bookId, signedIn }: { bookId: string; signedIn: boolean }) {
  const summary = useRatingSummary(bookId);
  return (
    <section className="reviews" aria-labelledby="reviews-title">
      <h2 id="reviews-title">Avis des lecteurs</h2>
      {summary.data && <RatingSummaryView summary={summary.data} />}
      {signedIn ? (
        <MyReviewForm bookId={bookId} />
      ) : (
        <p>
          <a href={signInHref}>Connectez-vous</a> pour donner votre avis.
        </p>
      )}
      <ReviewList bookId={bookId} signedIn={signedIn} />
    </section>
  );
}

function RatingSummaryView({ summary }: { summary: RatingSummary }) {
  if (summary.count === 0 || summary.average === null) return <p className="rating-empty">Pas encore d’avis.</p>;
  return (
    <div className="rating-summary">
      <p className="rating-average" data-testid="rating-average">
        <span aria-hidden="true">{stars(Math.round(summary.average))}</span> {average(summary.average)} / 5
      </p>
      <p className="rating-count" data-testid="rating-count">
        {summary.count} avis
      </p>
      <ul className="histogram" aria-label="Répartition des notes">
        {[5, 4, 3, 2, 1].map((star) => {
          const n = summary.histogram[star - 1] ?? 0;
          return (
            <li key={star}>
              <span>{star} ★</span>
              <span className="bar">
                <span style={{ width: `${(100 * n) / summary.count}%` }} />
              </span>
              <span>{n}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function MyReviewForm({ bookId }: { bookId: string }) {
  const mine = useMyReview(bookId);
  const upsert = useUpsertReview(bookId);
  const remove = useDeleteReview(bookId);
  const [rating, setRating] = useState(0);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  // The form starts from the reader's review once it has loaded.
  useEffect(() => {
    setRating(mine.data?.rating ?? 0);
    setTitle(mine.data?.title ?? '');
    setBody(mine.data?.body ?? '');
  }, [mine.data]);

  if (mine.isPending) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (rating < 1) return;
    upsert.mutate({ rating, title: title.trim() || null, body: body.trim() || null });
  };
  return (
    <form className="review-form" onSubmit={submit} aria-label="Votre avis">
      <fieldset>
        <legend>{mine.data ? 'Votre avis' : 'Donnez votre avis'}</legend>
        <div className="star-input" role="radiogroup" aria-label="Note">
          {[1, 2, 3, 4, 5].map((star) => (
            <label key={star}>
              <input
                type="radio"
                name="rating"
                value={star}
                checked={rating === star}
                onChange={() => setRating(star)}
              />
              {star} ★
            </label>
          ))}
        </div>
        <label>
          Titre (facultatif)
          <input value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          Votre avis (facultatif)
          <textarea value={body} maxLength={5000} rows={4} onChange={(e) => setBody(e.target.value)} />
        </label>
        {mine.data?.hidden && <p className="notice">Votre avis a été masqué par la modération.</p>}
        {upsert.error && (
          <p className="notice" role="alert">
            {reviewProblem(upsert.error)}
          </p>
        )}
        <button type="submit" disabled={rating < 1 || upsert.isPending}>
          {mine.data ? 'Mettre à jour mon avis' : 'Publier mon avis'}
        </button>
        {mine.data && (
          <button type="button" className="secondary" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Supprimer
          </button>
        )}
      </fieldset>
    </form>
  );
}

function ReviewList({ bookId, signedIn }: { bookId: string; signedIn: boolean }) {
  const [sort, setSort] = useState<ReviewSort>('newest');
  const reviews = useBookReviews(bookId, { sort });
  const vote = useReviewVote(bookId);
  const items = reviews.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <div className="review-list">
      <label className="review-sort">
        Trier :{' '}
        <select value={sort} onChange={(e) => setSort(e.target.value as ReviewSort)}>
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {reviews.error && <p className="notice">Impossible de charger les avis : {reviews.error.message}</p>}
      {vote.error && (
        <p className="notice" role="alert">
          Vote refusé : {vote.error.message}
        </p>
      )}
      <ul>
        {items.map((review) => (
          <ReviewItem
            key={review.id}
            review={review}
            canVote={signedIn}
            onVote={() => vote.mutate({ reviewId: review.id, voted: !review.votedByMe })}
          />
        ))}
      </ul>
      {reviews.hasNextPage && (
        <button type="button" disabled={reviews.isFetchingNextPage} onClick={() => reviews.fetchNextPage()}>
          Voir plus d’avis
        </button>
      )}
    </div>
  );
}

function ReviewItem({ review, canVote, onVote }: { review: Review; canVote: boolean; onVote: () => void }) {
  // Title and body are shown as text (React escapes them): never as HTML.
  return (
    <li className="review" data-testid="review">
      <p className="review-head">
        <span aria-hidden="true">{stars(review.rating)}</span>
        <span className="visually-hidden">{review.rating} sur 5</span>{' '}
        <strong>{review.author?.displayName ?? 'Lecteur anonyme'}</strong>
        {review.isVerifiedReader && <span className="badge">Lecteur vérifié</span>}
        <span className="review-date"> · {formatDate(review.createdAt.slice(0, 10))}</span>
        {review.editedAt && <span className="review-date"> (modifié)</span>}
      </p>
      {review.title && <p className="review-title">{review.title}</p>}
      {review.body && <p className="review-body">{review.body}</p>}
      <button type="button" className="helpful" disabled={!canVote} aria-pressed={review.votedByMe} onClick={onVote}>
        Utile ({review.helpfulCount})
      </button>
    </li>
  );
}
