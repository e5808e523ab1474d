import type { BarChart, BarValue } from './types.ts';
import { formatBytes, formatCount, formatRatio } from './format.ts';

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];

const font = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
const width = 820;
const barHeight = 16;
const barGap = 3;
const groupGap = 14;
const top = 70;
const valueLabelRoom = 96;
const charWidth = 7.2; // average glyph width at 13 px, for sizing the label column

export function formatValue(format: BarChart['format'], value: number): string {
  switch (format) {
    case 'bytes':
      return formatBytes(value);
    case 'ratio':
      return formatRatio(value);
    case 'rate':
      return `${formatCount(value)}/s`;
    default:
      return formatCount(value);
  }
}

/** Axis labels drop trailing zeros: "1 k", "2.5 k", "10". */
export function formatTick(format: BarChart['format'], value: number): string {
  const text = formatValue(format === 'ratio' ? 'ratio' : 'count', value);
  return text.replace(/(\.\d*?)0+(?!\d)/, '$1').replace(/\.(?!\d)/, '');
}

interface Scale {
  readonly x: (value: number) => number;
  readonly ticks: readonly number[];
}

/** A round upper bound (1, 2, 2.5, 5 × 10^k) at or above `value`. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function linearTicks(max: number): number[] {
  const top = niceCeiling(max);
  const lead = Math.round(top / 10 ** Math.floor(Math.log10(top)));
  const steps = lead === 2 ? 4 : 5;
  return Array.from({ length: steps + 1 }, (_, i) => (top / steps) * i);
}

export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, Number.MIN_VALUE)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

function makeScale(chart: BarChart, x0: number, x1: number): Scale {
  const values = chart.series.flatMap((series) => series.values.flatMap((v) => [v.value, v.high ?? v.value, v.low ?? v.value]));
  const positive = values.filter((v) => v > 0);
  const max = Math.max(...values, 0);
  if (chart.scale === 'log' && positive.length > 0) {
    const ticks = logTicks(Math.min(...positive), max);
    const lo = Math.log10(ticks[0] as number);
    const hi = Math.log10(ticks[ticks.length - 1] as number);
    return { ticks, x: (v) => x0 + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (x1 - x0) };
  }
  const ticks = linearTicks(max);
  const hi = ticks[ticks.length - 1] as number;
  return { ticks, x: (v) => x0 + (Math.max(0, v) / hi) * (x1 - x0) };
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Renders a horizontal grouped bar chart as a standalone SVG document. */
export function renderBarChart(chart: BarChart): string {
  for (const series of chart.series) {
    if (series.values.length !== chart.categories.length) {
      throw new Error(`series ${series.name} has ${series.values.length} values for ${chart.categories.length} categories`);
    }
  }
  const labelWidth = Math.min(260, Math.max(110, ...chart.categories.map((c) => c.length * charWidth + 16)));
  const x0 = labelWidth;
  const x1 = width - valueLabelRoom;
  const groupHeight = chart.series.length * (barHeight + barGap) - barGap + groupGap;
  const plotBottom = top + chart.categories.length * groupHeight;
  const height = plotBottom + 56;
  const scale = makeScale(chart, x0, x1);
  const out: string[] = [];
  const text = (x: number, y: number, content: string, attrs = ''): void => {
    out.push(`<text x="${r(x)}" y="${r(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`);
  };

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(chart.title)}" font-family="${font}" font-size="13">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  text(16, 26, chart.title, 'font-size="16" font-weight="600" fill="#111"');

  // Legend.
  let legendX = 16;
  chart.series.forEach((series, i) => {
    out.push(`<rect x="${legendX}" y="40" width="12" height="12" fill="${color(i)}"/>`);
    text(legendX + 17, 50.5, series.name, 'fill="#222"');
    legendX += 17 + series.name.length * charWidth + 22;
  });

  // Grid and axis.
  for (const tick of scale.ticks) {
    const x = scale.x(tick);
    out.push(`<line x1="${r(x)}" y1="${top - 6}" x2="${r(x)}" y2="${plotBottom}" stroke="#e3e3e3"/>`);
    text(x, plotBottom + 18, formatTick(chart.format, tick), 'text-anchor="middle" fill="#444" font-size="12"');
  }
  out.push(`<line x1="${x0}" y1="${top - 6}" x2="${x0}" y2="${plotBottom}" stroke="#888"/>`);
  out.push(`<line x1="${x0}" y1="${plotBottom}" x2="${x1}" y2="${plotBottom}" stroke="#888"/>`);
  const unit = chart.scale === 'log' ? `${chart.unit} (log scale)` : chart.unit;
  text((x0 + x1) / 2, plotBottom + 40, unit, 'text-anchor="middle" fill="#222"');

  // Bars.
  chart.categories.forEach((category, c) => {
    const groupTop = top + c * groupHeight;
    const barsHeight = groupHeight - groupGap;
    text(x0 - 8, groupTop + barsHeight / 2 + 4.5, category, 'text-anchor="end" fill="#111"');
    chart.series.forEach((series, s) => {
      const v = series.values[c] as BarValue;
      const y = groupTop + s * (barHeight + barGap);
      const end = scale.x(v.value);
      out.push(`<rect x="${x0}" y="${r(y)}" width="${r(Math.max(1, end - x0))}" height="${barHeight}" fill="${color(s)}"><title>${escapeXml(`${series.name}, ${category}: ${formatValue(chart.format, v.value)}`)}</title></rect>`);
      let labelX = end;
      if (v.low !== undefined && v.high !== undefined) {
        const lo = scale.x(v.low);
        const hi = scale.x(v.high);
        const mid = y + barHeight / 2;
        out.push(
          `<path d="M${r(lo)} ${r(mid)}H${r(hi)}M${r(lo)} ${r(mid - 4)}V${r(mid + 4)}M${r(hi)} ${r(mid - 4)}V${r(mid + 4)}" stroke="#222" stroke-width="1.2" fill="none"/>`,
        );
        labelX = Math.max(labelX, hi);
      }
      text(labelX + 5, y + barHeight / 2 + 4.5, formatValue(chart.format, v.value), 'fill="#222" font-size="12"');
    });
  });

  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function color(i: number): string {
  return palette[i % palette.length] as string;
}

function r(value: number): string {
  return String(Math.round(value * 10) / 10);
}
