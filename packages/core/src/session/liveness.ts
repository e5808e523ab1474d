import { now } from '../util.ts';

interface LivenessHooks {
  /** Time to send a heartbeat (and do other periodic housekeeping). */
  readonly beat: () => void;
  /** The peer has been silent past the timeout. */
  readonly timeout: () => void;
}

/**
 * Heartbeats and the silence deadline of one link. PeerJS's close event often never fires, so silence is how a dead
 * peer is noticed; the deadline is checked at the deadline itself, not up to a whole interval later.
 */
export class Liveness {
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #hooks: LivenessHooks;
  #lastHeardAt = now();
  #interval: ReturnType<typeof setInterval> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(intervalMs: number, timeoutMs: number, hooks: LivenessHooks) {
    this.#intervalMs = intervalMs;
    this.#timeoutMs = timeoutMs;
    this.#hooks = hooks;
  }

  start(): void {
    this.#lastHeardAt = now();
    this.#interval = setInterval(() => this.#tick(), this.#intervalMs);
  }

  /** Something arrived from the peer. */
  heard(): void {
    this.#lastHeardAt = now();
  }

  stop(): void {
    clearInterval(this.#interval);
    clearTimeout(this.#deadline);
  }

  #silentTooLong(): boolean {
    return now() - this.#lastHeardAt > this.#timeoutMs;
  }

  #tick(): void {
    if (this.#silentTooLong()) return this.#hooks.timeout();
    const left = this.#timeoutMs - (now() - this.#lastHeardAt);
    if (left < this.#intervalMs) {
      clearTimeout(this.#deadline);
      this.#deadline = setTimeout(() => {
        if (this.#silentTooLong()) this.#hooks.timeout();
      }, left + 1);
    }
    this.#hooks.beat();
  }
}
