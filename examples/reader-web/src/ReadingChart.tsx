import { useReadingStats } from '@coko/react';
import { useMemo } from 'react';
import { LOCALE } from './format';

/** Days the chart shows, today included. */
const DAYS = 14;
const WIDTH = 560;
const HEIGHT = 160;
const AXIS = 20;

/** `YYYY-MM-DD` of a date in the device's time zone (the statistics count days there too). */
const isoDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

const dayLabel = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short' });

/** The reader's minutes per day over the last two weeks, as an SVG bar chart, with streaks. */
export function ReadingChart() {
  const range = useMemo(() => {
    const today = new Date();
    const from = new Date(today);
    from.setDate(today.getDate() - (DAYS - 1));
    return { from: isoDay(from), to: isoDay(today) };
  }, []);
  const { data, error, isPending } = useReadingStats(range);
  if (isPending) return <p className="status">Chargement des statistiques…</p>;
  if (error) {
    return (
      <p className="notice" role="alert">
        Statistiques indisponibles : {error.message}
      </p>
    );
  }
  const days = data.minutesPerDay;
  const max = Math.max(10, ...days.map((day) => day.minutes));
  const slot = WIDTH / Math.max(1, days.length);
  const total = days.reduce((sum, day) => sum + day.minutes, 0);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
        role="img"
        aria-label={`Minutes de lecture par jour, du ${range.from} au ${range.to} : ${total} minutes en tout`}
      >
        {days.map((day, index) => {
          const height = Math.round((day.minutes / max) * HEIGHT);
          return (
            <g key={day.date} data-date={day.date} data-minutes={day.minutes}>
              <title>{`${dayLabel.format(new Date(`${day.date}T12:00:00`))} : ${day.minutes} min`}</title>
              <rect x={index * slot + 4} y={HEIGHT - height} width={slot - 8} height={height} rx={3} />
              {index % 2 === 0 && (
                <text x={index * slot + slot / 2} y={HEIGHT + AXIS - 4} textAnchor="middle">
                  {dayLabel.format(new Date(`${day.date}T12:00:00`))}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {total} minutes de lecture sur {DAYS} jours · série en cours : {data.currentStreak} jour
        {data.currentStreak > 1 ? 's' : ''} · record : {data.longestStreak} jour{data.longestStreak > 1 ? 's' : ''}
      </figcaption>
    </figure>
  );
}
