import type { Frame } from '../codec.ts';
import type { BeckonError } from '../errors.ts';
import type { LaneName } from '../lanes.ts';

export type DeliveryResult =
  | { readonly ok: true; readonly seq: number; readonly at: number }
  | { readonly ok: false; readonly seq: number; readonly error: BeckonError };

/** Progress of a chunked transfer, on the sending or the receiving end. */
export interface TransferProgress {
  readonly direction: 'send' | 'receive';
  /** Transport id of the other peer. */
  readonly peer: string;
  readonly transfer: number;
  /** Wire id of the message type being transferred. */
  readonly type: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface SessionEvents {
  /**
   * An application or room frame. A listener that does not accept it calls `refuse` before returning: the sender's
   * delivery then fails with that reason instead of being acknowledged.
   */
  frame: { readonly frame: Frame; readonly lane: LaneName; readonly size: number; readonly refuse: (error: BeckonError) => void };
  error: BeckonError;
  'lane-open': { readonly lane: LaneName };
  'lane-close': { readonly lane: LaneName };
  'lane-error': { readonly lane: LaneName; readonly error: BeckonError };
  'buffered-amount': { readonly lane: LaneName; readonly bufferedAmount: number; readonly queuedBytes: number };
  progress: TransferProgress;
  delivery: DeliveryResult;
  rtt: number;
  closed: { readonly reason: string };
}

export interface SessionStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Unreliable frames dropped because the channel was congested. */
  dropped: number;
  /** Frames refused on receipt (malformed, oversized, ...). */
  refused: number;
  /** Frames the receive policy dropped unseen (over budget). */
  overBudget: number;
  /** Bytes held now in unfinished incoming transfers. */
  reassemblyBytes: number;
  rttMs: number | undefined;
}
