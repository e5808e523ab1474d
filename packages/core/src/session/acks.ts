import { BeckonError } from '../errors.ts';
import type { BeckonErrorCode } from '../errors.ts';
import type { Ack } from '../gen/control.ts';
import { now } from '../util.ts';
import type { DeliveryResult } from './types.ts';

/** Refusals reported in one ack at most; beyond that (a flood), the rest are still counted as refused by the room. */
const maxRefusalsPerAck = 512;

interface Refusal {
  readonly seq: number;
  readonly code: string;
  readonly message: string;
}

/**
 * The receiving side of acknowledgements: frames are acknowledged cumulatively, coalesced over a short window, and a
 * refused frame travels in the ack with its reason, so the sender's `Delivery` tells the truth.
 */
export class AckWindow {
  readonly #delayMs: number;
  readonly #send: (ack: { seq: number; refused: Refusal[] }) => void;
  #seq = 0;
  readonly #refusals: Refusal[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(delayMs: number, send: (ack: { seq: number; refused: Refusal[] }) => void) {
    this.#delayMs = delayMs;
    this.#send = send;
  }

  /** Frame `seq` was handled: accepted, or refused with `refusal`. */
  note(seq: number, refusal: BeckonError | undefined): void {
    this.#seq = Math.max(this.#seq, seq);
    if (refusal && this.#refusals.length < maxRefusalsPerAck) {
      this.#refusals.push({ seq, code: refusal.code, message: refusal.message.slice(0, 200) });
    }
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#send({ seq: this.#seq, refused: this.#refusals.splice(0) });
    }, this.#delayMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The sending side: deliveries waiting for their ack, settled in order, never rejected. */
export class PendingDeliveries {
  readonly #pending = new Map<number, (result: DeliveryResult) => void>();
  readonly #settled: (result: DeliveryResult) => void;

  constructor(settled: (result: DeliveryResult) => void) {
    this.#settled = settled;
  }

  /** A promise for frame `seq`'s delivery. */
  track(seq: number): Promise<DeliveryResult> {
    return new Promise<DeliveryResult>((resolve) => this.#pending.set(seq, resolve));
  }

  /** Settles everything up to the ack's sequence number; `peer` names the acknowledging peer in refusals. */
  acknowledge(ack: Ack, peer: string): void {
    const refused = new Map(ack.refused.map((refusal) => [refusal.seq, refusal]));
    const at = now();
    for (const [seq, resolve] of this.#pending) {
      if (seq > ack.seq) break;
      this.#pending.delete(seq);
      const refusal = refused.get(seq);
      this.#finish(
        resolve,
        refusal
          ? { ok: false, seq, error: new BeckonError(refusalCode(refusal.code), `${peer} refused the message: ${refusal.message}`, { peer }) }
          : { ok: true, seq, at },
      );
    }
  }

  /** The link is gone: every waiting delivery fails with `error`. */
  failAll(error: BeckonError): void {
    for (const [seq, resolve] of this.#pending) this.#finish(resolve, { ok: false, seq, error });
    this.#pending.clear();
  }

  #finish(resolve: (result: DeliveryResult) => void, result: DeliveryResult): void {
    resolve(result);
    this.#settled(result);
  }
}

const refusalCodes: ReadonlySet<string> = new Set<BeckonErrorCode>(['malformed-frame', 'unknown-type', 'oversized', 'policy-violation', 'rate-limited', 'queue-full', 'removed', 'rejected']);

/** A refusal's code from the wire, or `policy-violation` when the peer sent something else. */
function refusalCode(code: string): BeckonErrorCode {
  return refusalCodes.has(code) ? (code as BeckonErrorCode) : 'policy-violation';
}
