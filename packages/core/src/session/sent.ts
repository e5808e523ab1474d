import type { Settlement } from './settlement.ts';
import type { DeliveryResult } from './types.ts';

/** What `send` returns: the frame's sequence number, its transfer id if chunked, and its outcome. */
export interface SentFrame {
  readonly seq: number;
  readonly transfer: number;
  readonly settlement: Settlement;
  /** The outcome as a promise (made when first read); never rejects. */
  readonly settled: Promise<DeliveryResult>;
}

// A class, not an object literal with a getter: V8 makes those slowly, and one is made per frame.
class Sent implements SentFrame {
  readonly seq: number;
  readonly transfer: number;
  readonly settlement: Settlement;

  constructor(seq: number, transfer: number, settlement: Settlement) {
    this.seq = seq;
    this.transfer = transfer;
    this.settlement = settlement;
  }

  get settled(): Promise<DeliveryResult> {
    return this.settlement.promise;
  }
}

export function sentFrame(seq: number, transfer: number, settlement: Settlement): SentFrame {
  return new Sent(seq, transfer, settlement);
}
