export interface FixedStepLoopOptions {
  readonly rateHz: number;
  /** Runs once per tick, with the tick number (starting at 1). */
  readonly step: (tick: number) => void;
  /** After a stall (a background tab, a GC pause) at most this many ticks are run at once; the rest are skipped. */
  readonly maxCatchUp?: number;
  readonly now?: () => number;
}

/**
 * A fixed-rate simulation clock: however irregular the timer, `step` runs exactly `rateHz` times per second of
 * wall time on average, so every peer simulates the same dt. Works with setTimeout (Node, workers) and can be
 * driven by hand (`advance`) from requestAnimationFrame or a test.
 */
export class FixedStepLoop {
  readonly rateHz: number;
  readonly stepMs: number;
  tick = 0;
  readonly #options: FixedStepLoopOptions;
  readonly #now: () => number;
  #last: number | undefined;
  #accumulated = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  constructor(options: FixedStepLoopOptions) {
    this.#options = options;
    this.rateHz = options.rateHz;
    this.stepMs = 1000 / options.rateHz;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Fraction of the next tick already elapsed, for drawing between ticks. */
  get alpha(): number {
    return this.#accumulated / this.stepMs;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Runs the ticks due by `now`; returns how many ran. */
  advance(now = this.#now()): number {
    if (this.#last === undefined) this.#last = now;
    this.#accumulated += now - this.#last;
    this.#last = now;
    const maxCatchUp = this.#options.maxCatchUp ?? 8;
    let steps = 0;
    while (this.#accumulated >= this.stepMs) {
      this.#accumulated -= this.stepMs;
      if (steps >= maxCatchUp) {
        this.#accumulated %= this.stepMs;
        break;
      }
      this.#options.step(++this.tick);
      steps++;
    }
    return steps;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#last = this.#now();
    this.#accumulated = 0;
    const run = (): void => {
      this.advance();
      if (!this.#running) return;
      // Wake a little before the next tick is due; the accumulator absorbs the timer's jitter.
      const wait = Math.max(1, this.stepMs - this.#accumulated - 1);
      this.#timer = setTimeout(run, wait);
    };
    this.#timer = setTimeout(run, this.stepMs);
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
