/**
 * Transport ids the host recently cut off for misbehaving (a flood before joining, removal): their next connections
 * are turned away before any negotiation, for a while. Bounded, so a flood of fresh ids cannot grow it without end.
 */
export class Quarantine {
  readonly #ttlMs: number;
  readonly #max: number;
  /** Transport id → when it may connect again; insertion order is age order. */
  readonly #until = new Map<string, number>();

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  add(remoteId: string, at = Date.now()): void {
    this.#until.delete(remoteId);
    this.#until.set(remoteId, at + this.#ttlMs);
    while (this.#until.size > this.#max) this.#until.delete(this.#until.keys().next().value!);
  }

  has(remoteId: string, at = Date.now()): boolean {
    const until = this.#until.get(remoteId);
    if (until === undefined) return false;
    if (until > at) return true;
    this.#until.delete(remoteId);
    return false;
  }

  get size(): number {
    return this.#until.size;
  }
}
