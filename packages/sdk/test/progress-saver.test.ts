import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Locator } from '../src';
import {
  createProgressSaver,
  isNewerProgress,
  optimisticProgress,
  PROGRESS_SAVES_PER_WRITE,
  PROGRESS_WINDOW_MS,
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
  it('writes the saves of a window once: the latest position, with the time the reader got there', () => {
    const writes: ProgressSave[] = [];
    const saver = createProgressSaver((s) => writes.push(s), 2000);
    saver.save('b1', at(0.1));
    vi.advanceTimersByTime(1000);
    const last = saver.save('b1', at(0.2));
    vi.advanceTimersByTime(999);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual([last]);
    expect(last.at.toISOString()).toBe('2026-12-01T08:00:01.000Z');
    vi.advanceTimersByTime(10_000);
    expect(writes).toHaveLength(1);
  });

  it('a steady reader writes every third page, at any pace up to a page a minute', () => {
    expect([PROGRESS_WINDOW_MS, PROGRESS_SAVES_PER_WRITE]).toEqual([180_000, 3]);
    for (const pace of [15_000, 40_000, 60_000]) {
      const writes: ProgressSave[] = [];
      const saver = createProgressSaver((s) => writes.push(s));
      for (let page = 1; page <= 9; page++) {
        saver.save('b1', at(page / 100));
        vi.advanceTimersByTime(pace);
      }
      // 9 pages, 3 writes, each the third page of its group, sent when that page is turned.
      expect(writes.map((w) => w.locator.locations.totalProgression)).toEqual([0.03, 0.06, 0.09]);
    }
  });

  it('a slow reader is not postponed forever: the window opens at the first unsent save, 3 minutes by default', () => {
    const writes: ProgressSave[] = [];
    const saver = createProgressSaver((s) => writes.push(s));
    saver.save('b1', at(0.01));
    vi.advanceTimersByTime(120_000);
    saver.save('b1', at(0.02));
    vi.advanceTimersByTime(59_999);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes.map((w) => w.locator.locations.totalProgression)).toEqual([0.02]);
    // The count starts again with the next window.
    saver.save('b1', at(0.03));
    saver.save('b1', at(0.04));
    expect(writes).toHaveLength(1);
    saver.save('b1', at(0.05));
    expect(writes.map((w) => w.locator.locations.totalProgression)).toEqual([0.02, 0.05]);
    vi.advanceTimersByTime(600_000);
    expect(writes).toHaveLength(2);
  });

  it('savesPerWrite 1 writes every save at once', () => {
    const writes: ProgressSave[] = [];
    const saver = createProgressSaver((s) => writes.push(s), 60_000, 1);
    saver.save('b1', at(0.1));
    saver.save('b1', at(0.2));
    expect(writes.map((w) => w.locator.locations.totalProgression)).toEqual([0.1, 0.2]);
  });

  it('tells the write how it was flushed: keepalive when asked (page hidden), not when the window closes', () => {
    const writes: [ProgressSave, { keepalive?: boolean }][] = [];
    const saver = createProgressSaver((s, how) => writes.push([s, how]), 2000);
    saver.save('b1', at(0.1));
    vi.advanceTimersByTime(2000);
    const hidden = saver.save('b1', at(0.2));
    saver.flush({ keepalive: true });
    saver.flush({ keepalive: true });
    expect(writes).toEqual([
      [expect.objectContaining({ bookId: 'b1' }), {}],
      [hidden, { keepalive: true }],
    ]);
  });

  it('another book writes the pending save of the first at once, then opens its own window', () => {
    const writes: ProgressSave[] = [];
    const saver = createProgressSaver((s) => writes.push(s), 2000);
    saver.save('b1', at(0.3));
    vi.advanceTimersByTime(500);
    saver.save('b2', at(0.1));
    expect(writes.map((w) => w.bookId)).toEqual(['b1']);
    vi.advanceTimersByTime(1999);
    expect(writes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(writes.map((w) => w.bookId)).toEqual(['b1', 'b2']);
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
