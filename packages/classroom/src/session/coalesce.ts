/**
 * Collects the parts of the state that changed and flushes them together at most once per `delayMs`: a class voting
 * at once costs the host one tally per part per interval, not one whole state per vote. The first change after a
 * quiet spell goes out at once (at the end of its task), so a single vote is not held back.
 */
export class Coalescer<Part extends string> {
  readonly #dirty = new Set<Part>();
  readonly #flush: (parts: ReadonlySet<Part>) => void;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #scheduled = false;
  #lastFlush = Number.NEGATIVE_INFINITY;

  constructor(delayMs: number, flush: (parts: ReadonlySet<Part>) => void) {
    this.#delayMs = delayMs;
    this.#flush = flush;
  }

  /** Marks a part changed; it goes out with the next flush. */
  mark(part: Part): void {
    this.#dirty.add(part);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const wait = this.#lastFlush + this.#delayMs - performance.now();
    if (wait <= 0) queueMicrotask(() => this.#scheduled && this.flush());
    else this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends whatever is pending now (a teacher's command, or before the page goes away). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#scheduled = false;
    if (this.#dirty.size === 0) return;
    this.#lastFlush = performance.now();
    const parts = new Set(this.#dirty);
    this.#dirty.clear();
    this.#flush(parts);
  }

  get pending(): boolean {
    return this.#dirty.size > 0;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#scheduled = false;
    this.#dirty.clear();
  }
}
