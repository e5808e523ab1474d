import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, linearTicks, logTicks, niceCeiling, renderBarChart } from './svg.ts';
import type { BarChart } from './types.ts';

const chart: BarChart = {
  id: 'bytes',
  title: 'Bytes <per> message',
  unit: 'bytes',
  format: 'bytes',
  categories: ['Raise hand', 'Snapshot & co'],
  series: [
    { name: 'Beckon', values: [{ value: 12 }, { value: 475 }] },
    { name: 'JSON', values: [{ value: 30 }, { value: 2087, low: 2000, high: 2100 }] },
  ],
};

function attributes(svg: string, element: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${element} ([^>]*?)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] as string).matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}

describe('axis helpers', () => {
  it('rounds the axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeiling(2087)).toBe(2500);
    expect(niceCeiling(101)).toBe(200);
    expect(niceCeiling(0.7)).toBe(1);
    expect(linearTicks(2087)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(linearTicks(180)).toEqual([0, 50, 100, 150, 200]);
  });

  it('spans whole decades on a log axis', () => {
    expect(logTicks(12, 16421)).toEqual([10, 100, 1000, 10000, 100000]);
    expect(logTicks(5, 9)).toEqual([1, 10]);
  });

  it('labels ticks without trailing zeros', () => {
    expect([10, 100, 1000, 2500, 1e6].map((v) => formatTick('rate', v))).toEqual(['10', '100', '1 k', '2.5 k', '1 M']);
    expect(formatTick('ratio', 1.5)).toBe('1.5×');
  });

  it('escapes XML', () => {
    expect(escapeXml(`a<b & "c"`)).toBe('a&#60;b &#38; &#34;c&#34;');
  });
});

describe('renderBarChart', () => {
  it('draws one bar per series and category, with lengths proportional to the values', () => {
    const svg = renderBarChart(chart);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const bars = attributes(svg, 'rect').filter((a) => a['height'] === '16');
    expect(bars).toHaveLength(4);
    const widths = bars.map((b) => Number(b['width']));
    // Order: category by category, series within. Linear axis from 0 to 2500.
    // Within the 0.1 px rounding of a 3 px bar.
    expect(widths[1]! / widths[0]! / (30 / 12)).toBeCloseTo(1, 1);
    expect(widths[3]! / widths[2]! / (2087 / 475)).toBeCloseTo(1, 2);
    expect(new Set(bars.map((b) => b['x'])).size).toBe(1);
    // Series keep their colour across categories.
    expect(bars[0]!['fill']).toBe(bars[2]!['fill']);
    expect(bars[0]!['fill']).not.toBe(bars[1]!['fill']);
  });

  it('labels the title, legend, categories, values, axis ticks and a whisker', () => {
    const svg = renderBarChart(chart);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(expect.arrayContaining(['Bytes &#60;per&#62; message', 'Beckon', 'JSON', 'Raise hand', 'Snapshot &#38; co']));
    expect(texts).toEqual(expect.arrayContaining(['12', '475', '30', '2,087', '0', '500', '2.5 k', 'bytes']));
    expect(svg.match(/<path /g)).toHaveLength(1);
  });

  it('uses a log axis when asked, so small values stay visible', () => {
    const svg = renderBarChart({ ...chart, scale: 'log' });
    const widths = attributes(svg, 'rect').filter((a) => a['height'] === '16').map((b) => Number(b['width']));
    // On 10..10,000: log(12) sits near the start, log(2087) about three quarters along.
    expect(widths[2]! / widths[3]!).toBeGreaterThan(0.7);
    expect(svg).toContain('bytes (log scale)');
  });

  it('refuses a series whose values do not match the categories', () => {
    expect(() => renderBarChart({ ...chart, series: [{ name: 'Beckon', values: [{ value: 1 }] }] })).toThrow(/1 values for 2 categories/);
  });
});
