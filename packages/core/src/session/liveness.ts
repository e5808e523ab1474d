import { now } from '../util.ts';

/** Share of the interval by which a tick may come early (see `#schedule`). */
const jitter = 0.15;

interface LivenessHooks {
  /** Time to send a heartbeat (and do other periodic housekeeping). */
  readonly beat: () => void;
  /** The peer has been silent past the timeout. */
  readonly timeout: () => void;
  /** When this end last sent anything (`now()` clock); without it, ticks come every interval. */
  readonly lastSentAt?: () => number;
}

/**
 * Heartbeats and the silence deadline of one link. PeerJS's close event often never fires, so silence is how a dead
 * peer is noticed; the deadline is checked at the deadline itself, not up to a whole interval later.
 *
 * The next tick is an interval after this end last sent anything, not after the last tick. On a quiet link that makes
 * the two ends take turns: one beats, the other's echo is a send, so the other's beat waits a whole interval after it
 * (and finds the next beat to echo). Each interval then carries one beat and its echo instead of a beat and an echo
 * from each end, while each end still sends something every interval, so the stall a page survives is unchanged.
 */
export class Liveness {
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #hooks: LivenessHooks;
  readonly #random: () => number;
  #lastHeardAt = now();
  #tick: ReturnType<typeof setTimeout> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  constructor(intervalMs: number, timeoutMs: number, hooks: LivenessHooks, random: () => number = Math.random) {
    this.#intervalMs = intervalMs;
    this.#timeoutMs = timeoutMs;
    this.#hooks = hooks;
    this.#random = random;
  }

  start(): void {
    this.#lastHeardAt = now();
    this.#running = true;
    this.#schedule(now());
  }

  /** Something arrived from the peer. */
  heard(): void {
    this.#lastHeardAt = now();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#tick);
    clearTimeout(this.#deadline);
  }

  /**
   * Next tick an interval after `from`, a little earlier at random: two ends that started together would otherwise
   * beat together for ever. Never later, so the silence a peer sees stays bounded by the interval.
   */
  #schedule(from: number): void {
    clearTimeout(this.#tick);
    const due = from + this.#intervalMs * (1 - jitter * this.#random());
    this.#tick = setTimeout(() => this.#onTick(), Math.max(this.#intervalMs * 0.05, due - now()));
  }

  #silentTooLong(): boolean {
    return now() - this.#lastHeardAt > this.#timeoutMs;
  }

  #onTick(): void {
    if (!this.#running) return;
    if (this.#silentTooLong()) return this.#hooks.timeout();
    const left = this.#timeoutMs - (now() - this.#lastHeardAt);
    if (left < this.#intervalMs) {
      clearTimeout(this.#deadline);
      this.#deadline = setTimeout(() => {
        if (this.#running && this.#silentTooLong()) this.#hooks.timeout();
      }, left + 1);
    }
    this.#hooks.beat();
    if (!this.#running) return;
    const sent = this.#hooks.lastSentAt?.();
    const at = now();
    this.#schedule(sent !== undefined && at - sent < this.#intervalMs ? sent : at);
  }
}
