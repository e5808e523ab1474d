/** Events and bytes over a sliding window (default one second): snapshot rates and bandwidth for overlays. */
export class RateMeter {
  readonly windowMs: number;
  readonly #events: { at: number; bytes: number }[] = [];
  readonly #now: () => number;

  constructor(windowMs = 1000, now: () => number = () => performance.now()) {
    this.windowMs = windowMs;
    this.#now = now;
  }

  record(bytes = 0): void {
    this.#events.push({ at: this.#now(), bytes });
    this.#trim();
  }

  /** Events per second over the window. */
  get rate(): number {
    this.#trim();
    return (this.#events.length * 1000) / this.windowMs;
  }

  /** Bytes per second over the window. */
  get bytesPerSecond(): number {
    this.#trim();
    return (this.#events.reduce((sum, event) => sum + event.bytes, 0) * 1000) / this.windowMs;
  }

  #trim(): void {
    const oldest = this.#now() - this.windowMs;
    while (this.#events.length > 0 && this.#events[0]!.at < oldest) this.#events.shift();
  }
}
