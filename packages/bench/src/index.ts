export type {
  BarChart,
  BarValue,
  BenchContext,
  Benchmark,
  BenchResult,
  ChartSeries,
  Machine,
  Requirement,
  StoredResult,
  Table,
} from './harness/types.ts';
export type { AlternatingResult, InterleavedResult, Sampler, Summary } from './harness/stats.ts';
export { calibrate, compareAlternating, measureInterleaved, now, quantile, rateSampler, summarize } from './harness/stats.ts';
export { formatBytes, formatCount, formatInteger, formatRatio, formatRatioSummary, formatSummary } from './harness/format.ts';
export { renderBarChart } from './harness/svg.ts';
export { renderReport, renderTable } from './harness/markdown.ts';
export type { RunOptions, RunOutcome } from './harness/run.ts';
export { runBenchmarks, selectBenchmarks } from './harness/run.ts';
export { benchmarks } from './benchmarks.ts';
