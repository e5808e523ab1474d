import { now } from '../util.ts';
import type { DeliveryResult } from './types.ts';

type Listener = (result: DeliveryResult) => void;

/**
 * A delivery's outcome, made into a promise only when someone asks for one. Most senders never look at it, and a
 * promise per frame (plus one per `.then` of each party tracking it) was a measurable share of a round trip's CPU.
 * The parties inside the room listen with `onSettled` instead: called synchronously, once, with the outcome.
 */
export class Settlement {
  #result: DeliveryResult | undefined;
  #promise: Promise<DeliveryResult> | undefined;
  #resolve: Listener | undefined;
  #listener: Listener | undefined;
  #more: Listener[] | undefined;

  /** An outcome known already. */
  static of(result: DeliveryResult): Settlement {
    const settlement = new Settlement();
    settlement.settle(result);
    return settlement;
  }

  /** Settles when every part has, with the first failure in the parts' order, or success. */
  static all(parts: readonly Settlement[]): Settlement {
    if (parts.length === 1) return parts[0]!;
    const all = new Settlement();
    if (parts.length === 0) {
      all.settle({ ok: true, seq: 0, at: now() });
      return all;
    }
    let left = parts.length;
    const done = (): void => {
      if (--left > 0) return;
      for (const part of parts) {
        const result = part.#result!;
        if (!result.ok) return all.settle(result);
      }
      all.settle({ ok: true, seq: 0, at: now() });
    };
    for (const part of parts) part.onSettled(done);
    return all;
  }

  get result(): DeliveryResult | undefined {
    return this.#result;
  }

  /** The outcome as a promise that never rejects; made on first use. */
  get promise(): Promise<DeliveryResult> {
    if (this.#promise === undefined) {
      const known = this.#result;
      this.#promise = known ? Promise.resolve(known) : new Promise<DeliveryResult>((resolve) => (this.#resolve = resolve));
    }
    return this.#promise;
  }

  /** Calls `listener` with the outcome: at once if it is known, else when it is. */
  onSettled(listener: Listener): void {
    if (this.#result) return listener(this.#result);
    if (this.#listener === undefined) this.#listener = listener;
    else (this.#more ??= []).push(listener);
  }

  /** The first outcome counts; later ones are ignored. */
  settle(result: DeliveryResult): void {
    if (this.#result) return;
    this.#result = result;
    this.#resolve?.(result);
    this.#resolve = undefined;
    const listener = this.#listener;
    const more = this.#more;
    this.#listener = undefined;
    this.#more = undefined;
    listener?.(result);
    if (more) for (const each of more) each(result);
  }
}
