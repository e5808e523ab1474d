/**
 * Maps host time (a snapshot's tick times the tick length) to local time. The offset is the smallest
 * (local arrival − host time) seen recently: the least-delayed snapshot, so jitter only ever makes packets
 * later than the estimate, never earlier. Remote entities are then shown at `now − offset − delay`.
 */
export class PlaybackClock {
  readonly window: number;
  readonly #offsets: number[] = [];
  #offset: number | undefined;
  #lastRender = -Infinity;

  constructor(window = 64) {
    this.window = window;
  }

  /** A snapshot of host time `hostTime` arrived at local time `localTime`. */
  observe(hostTime: number, localTime: number): void {
    this.#offsets.push(localTime - hostTime);
    if (this.#offsets.length > this.window) this.#offsets.shift();
    this.#offset = Math.min(...this.#offsets);
  }

  /** Local time minus host time, or undefined before the first snapshot. */
  get offset(): number | undefined {
    return this.#offset;
  }

  /** Host time to show at local time `now`, `delayMs` in the past. Never runs backwards by less than a jump of a second. */
  renderTime(now: number, delayMs: number): number | undefined {
    if (this.#offset === undefined) return undefined;
    const time = now - this.#offset - delayMs;
    // Small backwards steps (the offset estimate improving) would make entities twitch back: hold instead.
    if (time < this.#lastRender && this.#lastRender - time < 1000) return this.#lastRender;
    this.#lastRender = time;
    return time;
  }

  reset(): void {
    this.#offsets.length = 0;
    this.#offset = undefined;
    this.#lastRender = -Infinity;
  }
}
