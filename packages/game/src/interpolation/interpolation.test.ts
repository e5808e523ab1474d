import { describe, expect, it } from 'vitest';
import { testSchema } from '../test-utils/test-game.ts';
import { InterpolationBuffer } from './interpolation-buffer.ts';
import { PlaybackClock } from './playback-clock.ts';

const at = (x: number, heading = 0, kind = 1) => ({ x, y: 10, heading, kind });

describe('InterpolationBuffer', () => {
  it('blends positions linearly, angles the short way round, and steps integers', () => {
    const buffer = new InterpolationBuffer(testSchema);
    buffer.push(0, new Map([[1, at(0, 6.2, 1)]]));
    buffer.push(50, new Map([[1, at(100, 0.2, 2)]]));
    const mid = buffer.sample(25).get(1)!;
    expect(mid['x']).toBeCloseTo(50);
    expect(mid['y']).toBeCloseTo(10);
    // 6.2 → 0.2 crosses 2π: halfway is near 0, not near π.
    const heading = mid['heading']!;
    expect(Math.min(heading, 2 * Math.PI - heading)).toBeLessThan(0.2);
    expect(mid['kind']).toBe(1);
    expect(buffer.sample(50).get(1)!['kind']).toBe(2);
  });

  it('slots reordered snapshots in place and rides out a lost one', () => {
    const buffer = new InterpolationBuffer(testSchema, { delayMs: 100 });
    buffer.push(0, new Map([[1, at(0)]]));
    buffer.push(100, new Map([[1, at(200)]])); // the snapshot at 50 was lost
    buffer.push(150, new Map([[1, at(300)]]));
    expect(buffer.sample(50).get(1)!['x']).toBeCloseTo(100);
    buffer.push(50, new Map([[1, at(90)]])); // arrives late: used from now on
    expect(buffer.sample(25).get(1)!['x']).toBeCloseTo(45);
    expect(buffer.sample(75).get(1)!['x']).toBeCloseTo(145);
    buffer.push(50, new Map([[1, at(999)]])); // a duplicate is ignored
    expect(buffer.sample(50).get(1)!['x']).toBeCloseTo(90);
  });

  it('extrapolates past the newest snapshot for a bounded time, then holds', () => {
    const buffer = new InterpolationBuffer(testSchema, { maxExtrapolationMs: 100 });
    buffer.push(0, new Map([[1, at(0)]]));
    buffer.push(50, new Map([[1, at(100)]]));
    expect(buffer.sample(75).get(1)!['x']).toBeCloseTo(150);
    expect(buffer.sample(150).get(1)!['x']).toBeCloseTo(300);
    expect(buffer.sample(1000).get(1)!['x']).toBeCloseTo(300);
    expect(buffer.extrapolated).toBe(3);
  });

  it('shows entities that appear from their first snapshot and removes vanished ones after their last', () => {
    const buffer = new InterpolationBuffer(testSchema);
    buffer.push(0, new Map([[1, at(0)]]));
    buffer.push(50, new Map([[2, at(5)]]));
    const mid = buffer.sample(25);
    expect([...mid.keys()].sort()).toEqual([1, 2]);
    expect([...buffer.sample(60).keys()]).toEqual([2]);
  });
});

describe('PlaybackClock', () => {
  it('tracks the least-delayed snapshot and renders the given delay behind it', () => {
    const clock = new PlaybackClock(2);
    expect(clock.renderTime(0, 100)).toBeUndefined();
    // Host time 0 arrives at local 1000 (offset 1000); the next with 30 ms of jitter.
    clock.observe(0, 1000);
    clock.observe(50, 1080);
    expect(clock.offset).toBe(1000);
    expect(clock.renderTime(1200, 100)).toBe(100);
    // The best sample leaves the window: the offset grows, which would move time backwards; it holds instead.
    clock.observe(100, 1140);
    expect(clock.offset).toBe(1030);
    expect(clock.renderTime(1200, 100)).toBe(100);
    expect(clock.renderTime(1300, 100)).toBe(170);
  });
});
