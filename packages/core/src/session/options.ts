/** Tuning of one peer session. Every field has a default (`defaultSessionOptions`). */
export interface SessionOptions {
  /** Largest frame sent whole; larger messages are chunked on reliable lanes (capped by the link's maxMessageSize). */
  readonly chunkSize: number;
  /** Largest message, chunked or not, this peer sends or reassembles. */
  readonly maxMessageBytes: number;
  /** Bound of the send queue kept in JavaScript per reliable lane; beyond it `send` fails with `queue-full`. */
  readonly maxQueuedBytes: number;
  /** Frames wait in the JavaScript queue while the channel's bufferedAmount is above this. */
  readonly highWaterMark: number;
  /** bufferedAmountLowThreshold: the queue resumes when the channel drains below this. */
  readonly lowWaterMark: number;
  /** An unreliable frame is dropped, not queued, while the channel's bufferedAmount is above this (stale state is worthless). */
  readonly unreliableDropThreshold: number;
  readonly heartbeatIntervalMs: number;
  /**
   * A peer silent for this long is gone (PeerJS's close event often never fires). It must exceed the longest main-thread
   * stall a page survives plus one heartbeat interval: a busy tab is not a dead one.
   */
  readonly heartbeatTimeoutMs: number;
  /** Acknowledgements are coalesced for this long (most ride on a frame going back anyway). */
  readonly ackDelayMs: number;
  /**
   * Ack frames of their own are at least this far apart on a stream that never answers; the first after a quiet spell
   * and refusals wait only ackDelayMs. At 250 ms a host broadcasting at 20 Hz to 300 members gets 1,200 acks a second
   * instead of 6,000 (at 100 ms, acks were a fifth of its CPU: `pnpm bench fanout`); a one-way stream's `settled`
   * comes up to that much later.
   */
  readonly ackSpacingMs: number;
  /** Incoming chunked transfers kept at once per peer. */
  readonly maxConcurrentTransfers: number;
  /** Bytes of unfinished incoming transfers kept at once per peer; a transfer that would exceed it is refused. */
  readonly maxReassemblyBytes: number;
  /** An incoming transfer without a new chunk for this long is dropped (its bytes freed). */
  readonly transferIdleMs: number;
}

/** What a session accepts from its peer, set by its owner (the room) as the peer's standing changes. */
export interface ReceivePolicy {
  /**
   * Asked for every decoded frame before anything is done with it, control frames and chunks included; false drops
   * it unseen (no echo, no ack, no reassembly). `kind` says what it is (`malformed`: bytes that are no frame at all,
   * refused whatever the answer, but they count too); `size` is its encoded length.
   */
  admit(kind: 'message' | 'chunk' | 'ack' | 'heartbeat' | 'malformed', size: number): boolean;
  /** Largest size of a chunked message of this type the peer may send; 0 = it may not chunk it at all. */
  maxTransferBytes(type: number): number;
}

export const defaultSessionOptions: SessionOptions = {
  chunkSize: 16 * 1024,
  maxMessageBytes: 64 * 1024 * 1024,
  maxQueuedBytes: 96 * 1024 * 1024,
  highWaterMark: 1024 * 1024,
  lowWaterMark: 256 * 1024,
  unreliableDropThreshold: 256 * 1024,
  heartbeatIntervalMs: 1000,
  // A 3 s main-thread stall (a slow laptop drawing, a tab coming back from the background) plus a missed beat.
  heartbeatTimeoutMs: 5000,
  ackDelayMs: 4,
  ackSpacingMs: 250,
  maxConcurrentTransfers: 16,
  maxReassemblyBytes: 64 * 1024 * 1024,
  transferIdleMs: 10_000,
};
