import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Locator } from '../src';
import {
  createProgressSaver,
  isNewerProgress,
  optimisticProgress,
  type ProgressSave,
} from '../src/reading/progress-saver';

const at = (total: number): Locator => ({
  href: 'c.xhtml',
  type: 'application/xhtml+xml',
  locations: { progression: total, totalProgression: total },
});

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-01T08:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createProgressSaver', () => {
  it('writes a burst of saves once, the last position with the time the reader got there', () => {
    const writes: ProgressSave[] = [];
    const saver = createProgressSaver((s) => writes.push(s), 2000);
    saver.save('b1', at(0.1));
    vi.advanceTimersByTime(1000);
    const last = saver.save('b1', at(0.2));
    vi.advanceTimersByTime(1999);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual([last]);
    expect(last.at.toISOString()).toBe('2026-12-01T08:00:01.000Z');
    vi.advanceTimersByTime(10_000);
    expect(writes).toHaveLength(1);
  });

  it('flush writes the pending save at once, and only once', () => {
    const writes: ProgressSave[] = [];
    const saver = createProgressSaver((s) => writes.push(s), 2000);
    saver.flush();
    expect(writes).toEqual([]);
    saver.save('b1', at(0.5));
    saver.flush();
    vi.advanceTimersByTime(5000);
    expect(writes.map((w) => w.locator)).toEqual([at(0.5)]);
  });
});

describe('optimisticProgress / isNewerProgress', () => {
  it('builds the row a save leads to, keeping the stored fields it does not change', () => {
    const save = { bookId: 'b1', locator: at(0.4237), at: new Date('2026-12-01T08:00:00Z') };
    const row = optimisticProgress(save, null);
    expect(row).toMatchObject({ bookId: 'b1', percentage: 42.37, deviceUpdatedAt: '2026-12-01T08:00:00.000Z' });
    expect(isNewerProgress(save.at, row)).toBe(false);
    expect(isNewerProgress(new Date('2026-12-01T08:00:01Z'), row)).toBe(true);
    expect(isNewerProgress(save.at, null)).toBe(true);
  });
});
