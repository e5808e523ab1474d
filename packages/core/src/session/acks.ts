import { BeckonError } from '../errors.ts';
import type { BeckonErrorCode } from '../errors.ts';
import type { Ack } from '../gen/control.ts';
import { now } from '../util.ts';
import { Settlement } from './settlement.ts';
import type { DeliveryResult } from './types.ts';

/** Refusals reported in one ack at most; beyond that (a flood), the rest are still counted as refused by the room. */
const maxRefusalsPerAck = 512;

interface Refusal {
  readonly seq: number;
  readonly code: string;
  readonly message: string;
}

/**
 * The receiving side of acknowledgements: frames are acknowledged cumulatively. The ack rides on the next reliable
 * frame leaving for the peer (`take`); only when none leaves within a short window, or a refusal must travel with its
 * reason (so the sender's `Delivery` tells the truth), does an Ack frame of its own go out.
 */
export class AckWindow {
  readonly #delayMs: number;
  readonly #send: (ack: { seq: number; refused: Refusal[] }) => void;
  #seq = 0;
  /** Highest seq the peer has been told about, in an Ack frame or piggybacked. */
  #told = 0;
  readonly #refusals: Refusal[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDelay = 0;

  readonly #spacingMs: number;
  #lastFrameAt = Number.NEGATIVE_INFINITY;

  /**
   * `delayMs` coalesces a burst; `spacingMs` keeps Ack frames of their own that far apart on a busy one-way stream (a
   * host broadcasting to hundreds), while the first after a quiet spell, and any carrying a refusal, waits only `delayMs`.
   */
  constructor(delayMs: number, send: (ack: { seq: number; refused: Refusal[] }) => void, spacingMs = 0) {
    this.#delayMs = delayMs;
    this.#send = send;
    this.#spacingMs = spacingMs;
  }

  /** Frame `seq` was handled: accepted, or refused with `refusal`. */
  note(seq: number, refusal: BeckonError | undefined): void {
    this.#seq = Math.max(this.#seq, seq);
    if (refusal && this.#refusals.length < maxRefusalsPerAck) {
      this.#refusals.push({ seq, code: refusal.code, message: refusal.message.slice(0, 200) });
    }
    if (this.#timer !== undefined) {
      // A refusal is a verdict someone waits for: it does not wait for the spacing.
      if (!refusal || this.#timerDelay <= this.#delayMs) return;
      clearTimeout(this.#timer);
    }
    const t = performance.now();
    const delay = refusal ? this.#delayMs : Math.max(this.#delayMs, this.#lastFrameAt + this.#spacingMs - t);
    this.#timerDelay = delay;
    // Not cleared when an ack is piggybacked: one timer per window is cheaper than one clearTimeout per frame.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#seq <= this.#told && this.#refusals.length === 0) return;
      this.#told = this.#seq;
      this.#lastFrameAt = performance.now();
      this.#send({ seq: this.#seq, refused: this.#refusals.splice(0) });
    }, delay);
  }

  /** The cumulative ack a frame leaving now should carry, or 0: nothing new, or a refusal is waiting, which must reach the sender before anything acknowledges past it. */
  pending(): number {
    return this.#seq <= this.#told || this.#refusals.length > 0 ? 0 : this.#seq;
  }

  /** `seq` (from `pending`) left on a frame of the ack lane, which Ack frames cannot overtake. */
  told(seq: number): void {
    this.#told = Math.max(this.#told, seq);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The sending side: deliveries waiting for their ack, settled in order, never rejected. */
export class PendingDeliveries {
  // Sequence numbers only grow, so the waiting deliveries are a queue: two arrays and a head, no map to walk.
  #seqs: number[] = [];
  #waiting: Settlement[] = [];
  #head = 0;
  readonly #settled: (result: DeliveryResult) => void;

  constructor(settled: (result: DeliveryResult) => void) {
    this.#settled = settled;
  }

  /** Frame `seq`'s delivery, settled when the peer acknowledges it. */
  track(seq: number): Settlement {
    const settlement = new Settlement();
    this.#seqs.push(seq);
    this.#waiting.push(settlement);
    return settlement;
  }

  /** Settles everything up to the ack's sequence number; `peer` names the acknowledging peer in refusals. */
  acknowledge(ack: Pick<Ack, 'seq' | 'refused'>, peer: string): void {
    const seqs = this.#seqs;
    if (this.#head >= seqs.length || seqs[this.#head]! > ack.seq) return;
    // Piggybacked acks come with every reply and almost never carry refusals: no map for them.
    const refused = ack.refused.length === 0 ? undefined : new Map(ack.refused.map((refusal) => [refusal.seq, refusal]));
    const at = now();
    while (this.#head < seqs.length && seqs[this.#head]! <= ack.seq) {
      const seq = seqs[this.#head]!;
      const settlement = this.#waiting[this.#head]!;
      this.#head++;
      const refusal = refused?.get(seq);
      this.#finish(
        settlement,
        refusal
          ? { ok: false, seq, error: new BeckonError(refusalCode(refusal.code), `${peer} refused the message: ${refusal.message}`, { peer }) }
          : { ok: true, seq, at },
      );
    }
    this.#compact();
  }

  /** The link is gone: every waiting delivery fails with `error`. */
  failAll(error: BeckonError): void {
    const seqs = this.#seqs;
    const waiting = this.#waiting;
    const head = this.#head;
    this.#seqs = [];
    this.#waiting = [];
    this.#head = 0;
    for (let i = head; i < seqs.length; i++) this.#finish(waiting[i]!, { ok: false, seq: seqs[i]!, error });
  }

  #compact(): void {
    if (this.#head === this.#seqs.length) {
      this.#seqs.length = 0;
      this.#waiting.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#seqs.length) {
      this.#seqs = this.#seqs.slice(this.#head);
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  #finish(settlement: Settlement, result: DeliveryResult): void {
    settlement.settle(result);
    this.#settled(result);
  }
}

const refusalCodes: ReadonlySet<string> = new Set<BeckonErrorCode>(['malformed-frame', 'unknown-type', 'oversized', 'policy-violation', 'rate-limited', 'queue-full', 'removed', 'rejected']);

/** A refusal's code from the wire, or `policy-violation` when the peer sent something else. */
function refusalCode(code: string): BeckonErrorCode {
  return refusalCodes.has(code) ? (code as BeckonErrorCode) : 'policy-violation';
}
