import type { Summary } from './stats.ts';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 16412 → "16,412". */
export function formatInteger(value: number): string {
  return grouped.format(Math.round(value));
}

/** Bytes with one decimal below 100 (a mix's average), whole bytes above. */
export function formatBytes(value: number): string {
  return value < 100 && !Number.isInteger(value) ? value.toFixed(1) : formatInteger(value);
}

/** Three significant digits with k/M/G: 1234567 → "1.23 M". */
export function formatCount(value: number): string {
  // Rounded first, so 999,999 reads "1.00 M" rather than "1000 k".
  const rounded = Number(value.toPrecision(3));
  const abs = Math.abs(rounded);
  const [scaled, suffix] =
    abs >= 1e9 ? [rounded / 1e9, ' G'] : abs >= 1e6 ? [rounded / 1e6, ' M'] : abs >= 1e3 ? [rounded / 1e3, ' k'] : [rounded, ''];
  return `${toSignificant(scaled, 3)}${suffix}`;
}

/** 3.14159 → "3.14×"; two decimals below 10, fewer above. */
export function formatRatio(value: number): string {
  return `${toSignificant(value, 3)}×`;
}

/** "1.23 M [1.20–1.25 M]": median and interquartile range. */
export function formatSummary(summary: Summary, format: (value: number) => string = formatCount): string {
  return `${format(summary.median)} [${format(summary.p25)}–${format(summary.p75)}]`;
}

/** A summarised ratio: "3.10× [3.02–3.15]". */
export function formatRatioSummary(summary: Summary): string {
  return `${formatRatio(summary.median)} [${toSignificant(summary.p25, 3)}–${toSignificant(summary.p75, 3)}]`;
}

function toSignificant(value: number, digits: number): string {
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(decimals);
}
