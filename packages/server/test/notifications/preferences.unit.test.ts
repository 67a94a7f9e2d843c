// The preference × channel × kind matrix and quiet hours in several time zones (explicit instants, no clock).
import { describe, expect, it } from 'vitest';
import { DELIVERY_CHANNELS, NOTIFICATION_KINDS, type PreferenceChannel } from '../../src/notifications/kinds.ts';
import {
  allowedDeliveryChannels,
  allows,
  DEFAULT_NOTIFICATION_PREFERENCES,
  type NotificationPreferences,
  parseNotificationPreferences,
} from '../../src/notifications/preferences.ts';
import { knownTimeZone, sendAfter } from '../../src/notifications/quiet-hours.ts';

const CHANNELS: PreferenceChannel[] = [...DELIVERY_CHANNELS, 'inApp'];

describe('preferences per kind and channel', () => {
  const globalOn: NotificationPreferences = { email: true, push: true, sms: true, inApp: true };
  const globalOff: NotificationPreferences = { email: false, push: false, sms: false, inApp: false };

  for (const kind of NOTIFICATION_KINDS) {
    for (const channel of CHANNELS) {
      it(`${kind} × ${channel}: the global switch decides, a per-kind switch overrides it both ways`, () => {
        expect(allows(globalOn, kind, channel)).toBe(true);
        expect(allows(globalOff, kind, channel)).toBe(false);
        expect(allows({ ...globalOn, kinds: { [kind]: { [channel]: false } } }, kind, channel)).toBe(false);
        expect(allows({ ...globalOff, kinds: { [kind]: { [channel]: true } } }, kind, channel)).toBe(true);
        // Another kind's override does not leak.
        const otherKind = NOTIFICATION_KINDS.find((k) => k !== kind)!;
        expect(allows({ ...globalOn, kinds: { [otherKind]: { [channel]: false } } }, kind, channel)).toBe(true);
      });
    }
  }

  it('in-app is on unless turned off (documents of the first shape have no inApp key)', () => {
    expect(allows(DEFAULT_NOTIFICATION_PREFERENCES, 'welcome', 'inApp')).toBe(true);
  });

  it('the default document sends email and push, not SMS', () => {
    expect(allowedDeliveryChannels(DEFAULT_NOTIFICATION_PREFERENCES, 'receipt')).toEqual(['email', 'push']);
  });

  it('parses the profile document, falling back to the default for a missing or broken one', () => {
    expect(parseNotificationPreferences({ notifications: { email: false, push: true, sms: true } })).toEqual({
      email: false,
      push: true,
      sms: true,
    });
    expect(parseNotificationPreferences(null)).toEqual(DEFAULT_NOTIFICATION_PREFERENCES);
    expect(parseNotificationPreferences({ notifications: { email: 'yes' } })).toEqual(DEFAULT_NOTIFICATION_PREFERENCES);
  });
});

describe('quiet hours', () => {
  const night = { start: '22:00', end: '07:00' };
  const afternoon = { start: '13:00', end: '15:30' };

  it.each([
    // [instant (UTC), zone, quiet hours, expected send_after (UTC)]
    // Dakar is UTC+0 all year.
    ['2026-12-07T23:15:20Z', 'Africa/Dakar', night, '2026-12-08T07:00:00.000Z'],
    ['2026-12-07T06:59:00Z', 'Africa/Dakar', night, '2026-12-07T07:00:00.000Z'],
    ['2026-12-07T07:00:00Z', 'Africa/Dakar', night, '2026-12-07T07:00:00.000Z'], // the end is outside
    ['2026-12-07T21:59:59Z', 'Africa/Dakar', night, '2026-12-07T21:59:59.000Z'],
    ['2026-12-07T22:00:00Z', 'Africa/Dakar', night, '2026-12-08T07:00:00.000Z'], // the start is inside
    // Paris in winter is UTC+1: 21:30 UTC is 22:30 local, quiet until 07:00 local = 06:00 UTC.
    ['2026-12-07T21:30:00Z', 'Europe/Paris', night, '2026-12-08T06:00:00.000Z'],
    ['2026-12-07T20:30:00Z', 'Europe/Paris', night, '2026-12-07T20:30:00.000Z'],
    // Paris in summer is UTC+2: 04:00 UTC is 06:00 local.
    ['2026-07-01T04:00:00Z', 'Europe/Paris', night, '2026-07-01T05:00:00.000Z'],
    // Lagos (UTC+1) and Nairobi (UTC+3), a daytime period that does not span midnight.
    ['2026-12-07T12:10:00Z', 'Africa/Lagos', afternoon, '2026-12-07T14:30:00.000Z'],
    ['2026-12-07T12:40:00Z', 'Africa/Nairobi', afternoon, '2026-12-07T12:40:00.000Z'],
    ['2026-12-07T10:45:00Z', 'Africa/Nairobi', afternoon, '2026-12-07T12:30:00.000Z'],
    // An unknown zone reads as UTC.
    ['2026-12-07T23:00:00Z', 'Mars/Olympus', night, '2026-12-08T07:00:00.000Z'],
  ])('%s in %s', (at, zone, quiet, expected) => {
    expect(sendAfter(new Date(at), quiet, zone).toISOString()).toBe(expected);
  });

  it('no quiet hours, or start = end, never delays', () => {
    const at = new Date('2026-12-07T23:00:00Z');
    expect(sendAfter(at, null, 'Africa/Dakar')).toEqual(at);
    expect(sendAfter(at, undefined, undefined)).toEqual(at);
    expect(sendAfter(at, { start: '08:00', end: '08:00' }, 'Africa/Dakar')).toEqual(at);
  });

  it('knownTimeZone keeps IANA names and falls back to UTC', () => {
    expect(knownTimeZone('Africa/Abidjan')).toBe('Africa/Abidjan');
    expect(knownTimeZone('Nowhere/Land')).toBe('UTC');
    expect(knownTimeZone(undefined)).toBe('UTC');
  });
});
