/** What both ends know about a byte stream. */
export interface ByteStreamInfo {
  /** The sender's id for the stream, unique per sender and link. */
  readonly id: number;
  readonly topic: string;
  readonly name: string;
  readonly mimeType: string;
  /** Declared size in bytes; undefined for a stream of unknown length. */
  readonly size: number | undefined;
  /** Participant id of the sender. */
  readonly from: string;
  /** Participant id of the recipient. */
  readonly to: string;
}

/** How far a stream has come: bytes sent (sender) or received (receiver), of `totalBytes` when known. */
export interface ByteStreamProgress {
  readonly bytes: number;
  readonly totalBytes: number | undefined;
}

export interface ByteStreamOptions {
  /** Which handler on the receiving side gets the stream (`onByteStream(topic, …)`). */
  readonly topic: string;
  /** Participant id of the recipient. Default: the host (members); required for the host. */
  readonly to?: string;
  readonly name?: string;
  readonly mimeType?: string;
  /** Size in bytes, when known: the receiver refuses more (taken from a Blob or Uint8Array when not given). */
  readonly size?: number;
  readonly onProgress?: (progress: ByteStreamProgress) => void;
  /** Aborts the stream: the receiver's reader fails with `cancelled`, the returned promise rejects. */
  readonly signal?: AbortSignal;
}

/** What may be sent as a stream: read a piece at a time, never copied whole. */
export type ByteSource = Blob | Uint8Array | ReadableStream<Uint8Array>;

/** Limits a room applies to the streams it receives, per peer. */
export interface ByteStreamLimits {
  /** Streams from one peer open at once (default 4); more are refused with `rate-limited`. */
  readonly maxConcurrent: number;
  /** Largest stream, declared or not (default 4 GiB); a bigger declaration is refused, bytes beyond it fail the stream. */
  readonly maxBytes: number;
  /**
   * Bytes the sender may send beyond what the app has read (default 4 MiB, at least 256 KiB): what a slow reader
   * costs this side, and how far ahead the sender runs (it must cover what the link holds in flight, its send buffer
   * included, for full speed: 2 MiB reached 0.5-0.7× a raw channel's throughput in Node, 4-8 MiB 0.9×).
   */
  readonly windowBytes: number;
  /** A stream with credit left that receives nothing for this long fails with `timeout` on both sides (default 10 s). */
  readonly idleMs: number;
}

/**
 * Host only: whether a member may stream `topic` to `to` (the host's participant id, or another member's when it
 * would be relayed). Default: to the host, any topic it has a handler for; to other members, nothing.
 */
export type ByteStreamPolicy = (topic: string, from: string, to: string) => boolean;

/**
 * Bytes a sender may send before the receiver's first grant (part of the protocol: every receiver allows it), so the
 * first chunks leave with the StreamOpen instead of a round trip later. A receiver's window is never smaller.
 */
export const initialCredit = 256 * 1024;

export const defaultByteStreamLimits: ByteStreamLimits = {
  maxConcurrent: 4,
  maxBytes: 4 * 1024 ** 3,
  windowBytes: 4 * 1024 * 1024,
  idleMs: 10_000,
};
