import {
  useBadges,
  useLeaderboard,
  useLeaderboardVisibility,
  useMyEngagement,
  useMyRank,
  useProfile,
} from '@coko/react';
import type { Badge } from '@coko/sdk';
import { useState } from 'react';
import type { SignedInReader } from './session';
import { signInHref } from './use-hash-route';

/**
 * The reader's profile: points, level with the way to the next, badges earned and to earn, this
 * week's leaderboard with their own rank, and the opt-out of public leaderboards. Points are counted
 * by a job a little after reading, so the page says so rather than looking broken.
 */
export function ProfilePage({ reader }: { reader: SignedInReader | null }) {
  if (!reader) {
    return (
      <section className="profile">
        <h1>Mon profil</h1>
        <p className="notice">
          <a href={signInHref}>Connectez-vous</a> pour voir vos points et vos badges.
        </p>
      </section>
    );
  }
  return (
    <section className="profile">
      <h1>Mon profil</h1>
      <Score />
      <Badges />
      <WeeklyBoard />
    </section>
  );
}

function Score() {
  const { data, isPending, isError } = useMyEngagement();
  if (isPending) return <p className="status">Chargement…</p>;
  if (isError) return <p className="status">Vos points ne sont pas disponibles pour le moment.</p>;
  const { points, level, weeklyPoints } = data;
  const span = level.nextMinPoints === null ? 0 : level.nextMinPoints - level.minPoints;
  const progress = span === 0 ? 100 : Math.round(((points - level.minPoints) / span) * 100);
  return (
    <div className="score" data-testid="score">
      <p>
        <strong>{points.toLocaleString('fr')}</strong> points · {weeklyPoints.toLocaleString('fr')} cette semaine
      </p>
      <p>
        Niveau {level.level} : {level.name.fr}
      </p>
      <progress max={100} value={progress} aria-label="Progression vers le niveau suivant" />
      <p className="hint">
        {level.nextMinPoints === null
          ? 'Vous avez atteint le plus haut niveau.'
          : `Encore ${(level.nextMinPoints - points).toLocaleString('fr')} points pour le niveau suivant.`}{' '}
        Les points de vos lectures arrivent quelques instants après.
      </p>
    </div>
  );
}

function BadgeItem({ badge }: { badge: Badge }) {
  return (
    <li className={badge.earnedAt ? 'badge earned' : 'badge'} title={badge.description.fr}>
      <span className="badge-name">{badge.name.fr}</span>
      <span className="badge-detail">
        {badge.earnedAt
          ? `obtenu le ${new Date(badge.earnedAt).toLocaleDateString('fr')}`
          : `${badge.description.fr} (+${badge.points} points)`}
      </span>
    </li>
  );
}

function Badges() {
  const { data: badges = [], isPending } = useBadges();
  if (isPending) return null;
  const earned = badges.filter((b) => b.earnedAt);
  const toEarn = badges.filter((b) => !b.earnedAt);
  return (
    <div className="badges">
      <h2>Badges ({earned.length})</h2>
      {earned.length > 0 ? (
        <ul>
          {earned.map((b) => (
            <BadgeItem key={b.id} badge={b} />
          ))}
        </ul>
      ) : (
        <p className="hint">Terminez un livre pour obtenir votre premier badge.</p>
      )}
      {toEarn.length > 0 && (
        <>
          <h3>À obtenir</h3>
          <ul>
            {toEarn.map((b) => (
              <BadgeItem key={b.id} badge={b} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function WeeklyBoard() {
  const board = useLeaderboard({ board: 'weekly', limit: 10 });
  const rank = useMyRank({ board: 'weekly' });
  const profile = useProfile();
  const visibility = useLeaderboardVisibility();
  const [choice, setChoice] = useState<boolean | null>(null);
  // Absent means visible (the default); the toggle shows what the server has.
  const visible = (profile.data?.preferences as { leaderboards?: boolean } | undefined)?.leaderboards !== false;
  return (
    <div className="leaderboard">
      <h2>Classement de la semaine</h2>
      {board.data && board.data.length > 0 ? (
        <ol>
          {board.data.map((entry) => (
            <li key={entry.userId} className={entry.isMe ? 'me' : undefined} value={entry.rank}>
              {entry.displayName ?? 'Lecteur'} — {entry.points.toLocaleString('fr')} pts
            </li>
          ))}
        </ol>
      ) : (
        board.isSuccess && (
          <p className="hint">
            Personne n’est encore classé cette semaine (le classement se met à jour toutes les cinq minutes).
          </p>
        )
      )}
      <p data-testid="my-rank">
        {rank.data
          ? `Votre rang : ${rank.data.rank} sur ${rank.data.entries.toLocaleString('fr')}`
          : rank.isSuccess
            ? visible
              ? 'Lisez cette semaine pour entrer au classement.'
              : 'Vous n’apparaissez pas dans les classements.'
            : null}
      </p>
      <label className="toggle">
        <input
          type="checkbox"
          // The reader's choice at once (a controlled input re-rendered with the old value would undo the
          // click), until it is saved and the profile refetched; the server's afterwards (or after an error).
          checked={choice ?? visible}
          disabled={profile.isPending || visibility.isPending}
          onChange={(event) => {
            const next = event.target.checked;
            setChoice(next);
            visibility.mutate(next, { onSettled: () => setChoice(null) });
          }}
        />
        Apparaître dans les classements publics
      </label>
    </div>
  );
}
