import type { Summary } from './stats.ts';

/** What a benchmark needs besides Node; the runner records it (and will gate on it once the lab exists). */
export type Requirement = 'network-lab' | 'browser';

/** One benchmark: a module exports one of these and `src/benchmarks.ts` lists it. */
export interface Benchmark {
  /** Short kebab-case name: the argument to `pnpm bench` and the stem of its files in docs/bench/. */
  readonly name: string;
  readonly title: string;
  /** One paragraph of Markdown: what is measured and how. */
  readonly description: string;
  readonly needs?: readonly Requirement[];
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface BenchContext {
  /** Short runs for smoke tests: fewer rounds, shorter samples. Figures are not worth publishing. */
  readonly quick: boolean;
  /** Reports progress on long work; `done` of `total` steps. */
  progress(done: number, total: number, label: string): void;
  /** A line of commentary for the person watching. */
  log(message: string): void;
}

export type Align = 'left' | 'right';

export interface Table {
  readonly title: string;
  readonly columns: readonly { readonly label: string; readonly align?: Align }[];
  /** Formatted cells, one array per row. */
  readonly rows: readonly (readonly string[])[];
  /** Markdown shown under the table. */
  readonly note?: string;
}

/** A bar's value with an optional spread, drawn as a whisker. */
export interface BarValue {
  readonly value: number;
  readonly low?: number;
  readonly high?: number;
}

export interface ChartSeries {
  readonly name: string;
  /** One value per category, in the chart's category order. */
  readonly values: readonly BarValue[];
}

/** A horizontal grouped bar chart: one group of bars per category, one bar per series. */
export interface BarChart {
  /** File name stem suffix: the chart is written to docs/bench/<benchmark>-<id>.svg. */
  readonly id: string;
  readonly title: string;
  /** Axis label, e.g. "bytes per message". */
  readonly unit: string;
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Log scale for values that span orders of magnitude. */
  readonly scale?: 'linear' | 'log';
  /** Formats a value for its label at the bar's end. */
  readonly format?: 'count' | 'bytes' | 'rate' | 'ratio';
}

export interface BenchResult {
  /** Markdown paragraph with the headline numbers. */
  readonly summary: string;
  readonly tables: readonly Table[];
  readonly charts: readonly BarChart[];
  /** Machine-readable figures (numbers and summaries), stored in the JSON. */
  readonly data: Record<string, unknown>;
}

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** `chromium --version`, when /usr/bin/chromium exists. */
  readonly chromium?: string;
}

/** One benchmark's stored run: docs/bench/<name>.json. */
export interface StoredResult {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly needs: readonly Requirement[];
  /** ISO 8601. */
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly durationMs: number;
  /** 1-minute load average when the benchmark started: other work on the machine skews timings. */
  readonly loadAverage?: number;
  readonly machine: Machine;
  readonly result: BenchResult;
}

export type { Summary };
