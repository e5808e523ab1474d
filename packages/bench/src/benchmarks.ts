import { codec } from './benchmarks/codec.ts';
import type { Benchmark } from './harness/types.ts';

/** Every benchmark, in the order `pnpm bench` runs them and docs/benchmarks.md lists them. Add one line per benchmark. */
export const benchmarks: readonly Benchmark[] = [codec];
