import { codec } from './benchmarks/codec.ts';
import type { Benchmark } from './harness/types.ts';
import { networkOverhead } from './benchmarks/network-overhead.ts';
import { networkChromium } from './benchmarks/network-chromium.ts';
import { lanesUnderLossBenchmark, lanesUnderLossChromium } from './benchmarks/lanes-under-loss.ts';
import { fanoutBenchmark } from './benchmarks/fanout.ts';
import { gameSync } from './benchmarks/game-sync.ts';
import { media } from './benchmarks/media.ts';
import { mediaScale } from './benchmarks/media-scale.ts';
import { classroomBenchmark } from './benchmarks/classroom.ts';
import { classroomScaleBenchmark } from './benchmarks/classroom-scale.ts';
import { floodsBenchmark } from './benchmarks/floods.ts';

/** Every benchmark, in the order `pnpm bench` runs them and docs/benchmarks.md lists them. Add one line per benchmark. */
export const benchmarks: readonly Benchmark[] = [
  codec,
  networkOverhead,
  networkChromium,
  lanesUnderLossBenchmark,
  lanesUnderLossChromium,
  fanoutBenchmark,
  gameSync,
  media,
  mediaScale,
  classroomBenchmark,
  classroomScaleBenchmark,
  floodsBenchmark,
];
