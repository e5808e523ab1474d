/** Every failure Beckon reports carries one of these codes. */
export type BeckonErrorCode =
  /** A frame that is not a valid envelope, or a payload that does not decode as its type. */
  | 'malformed-frame'
  /** A frame whose type this peer does not know (a newer peer's message). Dropped, never fatal. */
  | 'unknown-type'
  /** A message larger than the lane or the policy allows. */
  | 'oversized'
  /** A member sent a type it may not send, or to a recipient it may not address. */
  | 'policy-violation'
  /** A member sent faster than its limit allows. */
  | 'rate-limited'
  /** The send queue is full; the message was not queued. */
  | 'queue-full'
  /** The lane or peer is not connected. */
  | 'not-connected'
  /** A reliable message was not acknowledged before its link closed or its deadline passed. */
  | 'delivery-failed'
  /** Connecting or joining took too long. */
  | 'timeout'
  /** The host refused to let this peer join. */
  | 'refused'
  /** A data channel reported an error. */
  | 'lane-error'
  /** The object was closed. */
  | 'closed'
  /** The host removed this participant; it is refused until the host readmits it. */
  | 'removed'
  /** The host's app rejected the action (`meta.reject(reason)`): the host's verdict, with its reason. */
  | 'rejected'
  /** A byte stream was cancelled by its reader or aborted by its writer. */
  | 'cancelled';

export interface BeckonErrorDetails {
  /** Participant or transport id of the peer the error concerns. */
  readonly peer?: string | undefined;
  /** Fully qualified message type name, or its hex id when unknown. */
  readonly messageType?: string | undefined;
  readonly lane?: string | undefined;
  readonly cause?: unknown;
}

/** A typed error. Receive-path errors are reported as events carrying one of these; they are never thrown. */
export class BeckonError extends Error {
  override readonly name = 'BeckonError';
  readonly code: BeckonErrorCode;
  readonly peer: string | undefined;
  readonly messageType: string | undefined;
  readonly lane: string | undefined;

  constructor(code: BeckonErrorCode, message: string, details: BeckonErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.peer = details.peer;
    this.messageType = details.messageType;
    this.lane = details.lane;
  }

  /** The same error, naming `peer` (a participant id once the peer has joined). */
  withPeer(peer: string): BeckonError {
    if (this.peer === peer) return this;
    return new BeckonError(this.code, this.message, { peer, messageType: this.messageType, lane: this.lane, cause: this.cause });
  }
}

export function isBeckonError(value: unknown, code?: BeckonErrorCode): value is BeckonError {
  return value instanceof BeckonError && (code === undefined || value.code === code);
}
