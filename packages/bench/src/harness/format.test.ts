import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatRatio, formatRatioSummary, formatSummary } from './format.ts';

describe('number formatting', () => {
  it('groups bytes and keeps a decimal for small averages', () => {
    expect(formatBytes(16412)).toBe('16,412');
    expect(formatBytes(23.75)).toBe('23.8');
    expect(formatBytes(12)).toBe('12');
    expect(formatBytes(431.4)).toBe('431');
  });

  it('gives counts three significant digits with a suffix', () => {
    expect(formatCount(1_234_567)).toBe('1.23 M');
    expect(formatCount(98_765)).toBe('98.8 k');
    expect(formatCount(512)).toBe('512');
    expect(formatCount(2.5e9)).toBe('2.50 G');
    expect(formatCount(999_999)).toBe('1.00 M');
    expect(formatCount(999.7)).toBe('1.00 k');
  });

  it('formats ratios and summaries', () => {
    expect(formatRatio(3.14159)).toBe('3.14×');
    expect(formatRatio(26.4)).toBe('26.4×');
    const summary = { n: 3, median: 2_000_000, p25: 1_500_000, p75: 2_100_000, min: 1, max: 3e6 };
    expect(formatSummary(summary)).toBe('2.00 M [1.50 M–2.10 M]');
    expect(formatRatioSummary({ ...summary, median: 2.5, p25: 2.25, p75: 2.75 })).toBe('2.50× [2.25–2.75]');
  });
});
