import { afterEach, describe, expect, it, vi } from 'vitest';
import { now } from '../util.ts';
import { Liveness } from './liveness.ts';

/** Deterministic pseudo-random numbers (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Two ends of a quiet link on fake timers, as the session drives them: a beat goes out when the end sent nothing for
 * three quarters of an interval, and every beat is echoed at once (delivery takes 1 ms).
 */
function quietLink(seed: number) {
  const interval = 1000;
  const sends: { end: 'a' | 'b'; at: number; beat: boolean }[] = [];
  const lastSent = { a: 0, b: 0 };
  const timeouts: string[] = [];
  const ends = {} as Record<'a' | 'b', Liveness>;
  const send = (from: 'a' | 'b', beat: boolean): void => {
    sends.push({ end: from, at: now(), beat });
    lastSent[from] = now();
    const to = from === 'a' ? 'b' : 'a';
    setTimeout(() => {
      ends[to].heard();
      if (beat) send(to, false);
    }, 1);
  };
  const random = seeded(seed);
  for (const end of ['a', 'b'] as const) {
    ends[end] = new Liveness(
      interval,
      5000,
      {
        beat: () => {
          if (now() - lastSent[end] >= interval * 0.75) send(end, true);
        },
        timeout: () => timeouts.push(end),
        lastSentAt: () => lastSent[end],
      },
      random,
    );
  }
  return { interval, sends, timeouts, ends };
}

describe('liveness on a quiet link', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes turns: one beat and its echo per interval, not one from each end, and each end still sends every interval', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    const { interval, sends, timeouts, ends } = quietLink(3);
    // Both ends start together, the worst case for taking turns.
    ends.a.start();
    ends.b.start();
    vi.advanceTimersByTime(100 * interval);
    ends.a.stop();
    ends.b.stop();
    const beats = sends.filter((s) => s.beat).length;
    // Both ends beating (the old way) is 200 beats and 200 echoes in 100 intervals.
    expect(beats).toBeLessThanOrEqual(125);
    expect(beats).toBeGreaterThanOrEqual(95);
    for (const end of ['a', 'b'] as const) {
      const times = sends.filter((s) => s.end === end).map((s) => s.at);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(interval + 5);
    }
    expect(timeouts).toEqual([]);
  });
});

describe('liveness next to one-way traffic', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('still beats every interval while it hears frames it never answers', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    const beats: number[] = [];
    let lastSent = 0;
    const liveness = new Liveness(1000, 5000, {
      beat: () => {
        if (now() - lastSent >= 750) {
          lastSent = now();
          beats.push(lastSent);
        }
      },
      timeout: () => {},
      lastSentAt: () => lastSent,
    });
    liveness.start();
    // The peer streams a frame every 800 ms (unreliable, no acks): nothing of it makes this end send.
    const stream = setInterval(() => liveness.heard(), 800);
    vi.advanceTimersByTime(20_000);
    clearInterval(stream);
    liveness.stop();
    const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
    expect(beats.length).toBeGreaterThanOrEqual(19);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1000);
  });
});
