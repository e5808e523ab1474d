/** The median of repeated measurements with its spread. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

/** The q-quantile (0..1) of ascending `sorted`, interpolating linearly between ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no samples');
  if (q < 0 || q > 1) throw new RangeError(`quantile ${q} is outside 0..1`);
  const rank = (sorted.length - 1) * q;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summary of no samples');
  for (const sample of samples) if (!Number.isFinite(sample)) throw new Error(`sample ${sample} is not finite`);
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/** One measurement of a variant: a number where bigger or smaller is better, as the caller decides. */
export type Sampler = () => number | Promise<number>;

export interface InterleavedResult<K extends string> {
  readonly samples: Readonly<Record<K, readonly number[]>>;
  readonly summaries: Readonly<Record<K, Summary>>;
  /** Per-round ratio variant / baseline, summarised: both were measured within the same round. */
  readonly ratios: Readonly<Record<K, Summary>>;
}

export interface InterleavedOptions<K extends string> {
  readonly variants: Readonly<Record<K, Sampler>>;
  readonly baseline: NoInfer<K>;
  readonly rounds: number;
  /** Rounds run first and discarded (JIT warm-up). */
  readonly warmupRounds?: number;
  readonly onRound?: (round: number, rounds: number) => void;
}

/**
 * Measures several variants in rounds, one sample of each per round, rotating which goes first so drift
 * (thermal, GC, other load) falls on all of them alike. Ratios are taken within each round.
 */
export async function measureInterleaved<K extends string>(options: InterleavedOptions<K>): Promise<InterleavedResult<K>> {
  const keys = Object.keys(options.variants) as K[];
  if (!keys.includes(options.baseline)) throw new Error(`baseline ${options.baseline} is not a variant`);
  if (options.rounds < 1) throw new RangeError('rounds must be at least 1');
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  const warmup = options.warmupRounds ?? 0;
  for (let round = -warmup; round < options.rounds; round++) {
    const offset = ((round % keys.length) + keys.length) % keys.length;
    const order = [...keys.slice(offset), ...keys.slice(0, offset)];
    for (const key of order) {
      const value = await options.variants[key]();
      if (round >= 0) samples[key].push(value);
    }
    if (round >= 0) options.onRound?.(round + 1, options.rounds);
  }
  const base = samples[options.baseline];
  const summaries = {} as Record<K, Summary>;
  const ratios = {} as Record<K, Summary>;
  for (const key of keys) {
    summaries[key] = summarize(samples[key]);
    ratios[key] = summarize(samples[key].map((value, i) => value / (base[i] as number)));
  }
  return { samples, summaries, ratios };
}

export interface AlternatingResult {
  readonly a: Summary;
  readonly b: Summary;
  /** Per-round a / b. */
  readonly ratio: Summary;
}

/** Compares two variants measured alternately (A B, B A, A B, …); the ratio is A / B per round. */
export async function compareAlternating(options: {
  readonly a: Sampler;
  readonly b: Sampler;
  readonly rounds: number;
  readonly warmupRounds?: number;
}): Promise<AlternatingResult> {
  const result = await measureInterleaved({
    variants: { a: options.a, b: options.b },
    baseline: 'b',
    rounds: options.rounds,
    ...(options.warmupRounds === undefined ? {} : { warmupRounds: options.warmupRounds }),
  });
  return { a: result.summaries.a, b: result.summaries.b, ratio: result.ratios.a };
}

/** Seconds since an arbitrary origin, from the monotonic high-resolution clock. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/**
 * How many calls of `op` take at least `targetSeconds`: doubles the count until one batch is long enough,
 * so each later sample is long compared with the clock's resolution.
 */
export function calibrate(op: (iterations: number) => void, targetSeconds: number, maxIterations = 1 << 24): number {
  let iterations = 1;
  for (;;) {
    const start = now();
    op(iterations);
    const elapsed = now() - start;
    if (elapsed >= targetSeconds || iterations >= maxIterations) return iterations;
    // Jump close to the target once a batch is measurable; otherwise keep doubling.
    const next = elapsed > 0.001 ? Math.ceil((iterations * targetSeconds * 1.1) / elapsed) : iterations * 2;
    iterations = Math.min(maxIterations, Math.max(iterations * 2, next));
  }
}

/** A sampler that times `iterations` calls of `op` and returns calls per second. */
export function rateSampler(op: (iterations: number) => void, iterations: number): Sampler {
  return () => {
    const start = now();
    op(iterations);
    return iterations / (now() - start);
  };
}
