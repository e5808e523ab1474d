import { describe, expect, it } from 'vitest';
import { calibrate, compareAlternating, measureInterleaved, quantile, rateSampler, summarize } from './stats.ts';

describe('quantile', () => {
  it('interpolates between ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([0, 10], 0.75)).toBe(7.5);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('refuses empty input and out-of-range quantiles', () => {
    expect(() => quantile([], 0.5)).toThrow(/no samples/);
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('reports median, quartiles and range regardless of order', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ n: 5, median: 3, p25: 2, p75: 4, min: 1, max: 5 });
  });

  it('refuses non-finite samples, which would poison the median silently', () => {
    expect(() => summarize([1, Number.NaN])).toThrow(/not finite/);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(/not finite/);
  });
});

describe('measureInterleaved', () => {
  it('rotates the order each round and discards warm-up rounds', async () => {
    const calls: string[] = [];
    const result = await measureInterleaved({
      variants: { a: () => (calls.push('a'), 1), b: () => (calls.push('b'), 2), c: () => (calls.push('c'), 4) },
      baseline: 'a',
      rounds: 3,
      warmupRounds: 1,
    });
    // Warm-up round -1 starts at offset 2 (c a b), then rounds 0, 1, 2 start with a, b, c.
    expect(calls.join('')).toBe('cab' + 'abc' + 'bca' + 'cab');
    expect(result.samples.a).toEqual([1, 1, 1]);
    expect(result.summaries.c.median).toBe(4);
  });

  it('takes ratios within each round, so a drift shared by both variants cancels', async () => {
    let load = 1;
    const result = await measureInterleaved({
      // Both slow down together, round by round; B is always exactly twice A.
      variants: { a: () => 100 / load, b: () => 200 / load },
      baseline: 'a',
      rounds: 6,
      onRound: () => {
        load *= 3;
      },
    });
    expect(result.ratios.b).toMatchObject({ median: 2, min: 2, max: 2 });
    expect(result.summaries.b.max / result.summaries.b.min).toBeGreaterThan(100);
  });

  it('refuses an unknown baseline', async () => {
    await expect(measureInterleaved({ variants: { a: () => 1 }, baseline: 'z' as 'a', rounds: 1 })).rejects.toThrow(/baseline/);
  });
});

describe('compareAlternating', () => {
  it('alternates A and B and reports A / B per round', async () => {
    const order: string[] = [];
    const result = await compareAlternating({
      a: async () => (order.push('a'), 30),
      b: () => (order.push('b'), 10),
      rounds: 4,
    });
    expect(order.join('')).toBe('abbaabba');
    expect(result.ratio.median).toBe(3);
    expect(result.a.median).toBe(30);
    expect(result.b.median).toBe(10);
  });
});

describe('calibrate and rateSampler', () => {
  it('grows the batch until it lasts the target time', () => {
    const spin = (n: number): void => {
      const until = performance.now() + n * 0.05; // 50 µs per call
      while (performance.now() < until);
    };
    const iterations = calibrate(spin, 0.01);
    expect(iterations).toBeGreaterThanOrEqual(100);
    expect(iterations).toBeLessThan(1000);
    const rate = rateSampler(spin, iterations)() as number;
    expect(rate).toBeGreaterThan(5_000);
    expect(rate).toBeLessThanOrEqual(20_000);
  });
});
