// Quiet hours: push and SMS wait until the end of the reader's quiet period, read in their time zone. Email and the
// inbox are silent, so they never wait (docs/DECISIONS.md "Notifications — pipeline").
import type { DeliveryChannel } from './kinds.ts';

export interface QuietHours {
  start: string;
  end: string;
}

/** Channels that wake a phone up. */
export const INTRUSIVE_CHANNELS: ReadonlySet<DeliveryChannel> = new Set(['push', 'sms']);

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A time zone Intl knows, else UTC (the preferences check only the name's shape). */
export function knownTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** The wall-clock minute of the day (0–1439) and second at `at` in `timeZone`. */
function localClock(at: Date, timeZone: string): { minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minute: part('hour') * 60 + part('minute'), second: part('second') };
}

/**
 * When a message created at `now` may be sent: `now` outside quiet hours, else the next end of the quiet period in
 * the reader's time zone. A period may span midnight (22:00–07:00); start = end means no quiet hours. The wait is
 * counted in wall-clock minutes, so on the night a DST change falls in quiet hours the message leaves up to an hour
 * early or late — harmless for a notification (and Africa's zones have no DST).
 */
export function sendAfter(now: Date, quietHours: QuietHours | null | undefined, timeZone: string | undefined): Date {
  if (!quietHours) return now;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return now;
  const { minute, second } = localClock(now, knownTimeZone(timeZone));
  const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet) return now;
  const wait = (end - minute + 1440) % 1440;
  const at = new Date(now.getTime() + wait * 60_000 - second * 1000);
  at.setUTCMilliseconds(0);
  return at;
}
