import { BeckonError } from '../errors.ts';
import type { MessageInit, MessageType } from '../schema.ts';
import type { PeerSession } from '../session/index.ts';
import { encodeStreamChunkFrame } from './chunk-frame.ts';

/**
 * Bytes waiting in the session's own queue beyond which a stream's writer waits for the channel to drain. Small: a
 * chunk that can leave at once costs no copy, one that waits is copied into the queue; the channel itself holds up to
 * the session's high-water mark, enough to cover the writer's wake-up (256 KiB here cost ~7% of a Node link's speed).
 */
const queueHighWater = 64 * 1024;
/** Room a StreamChunk's envelope and header take in a frame beside the data. */
const chunkFrameOverhead = 64;

/**
 * A stream's view of its peer session: sends small control frames and chunk frames on the reliable lane (never
 * acknowledged one by one: the stream has its own grants), and says when the transport has room for more.
 */
export class StreamLink {
  readonly session: PeerSession;
  readonly #waiting = new Set<() => void>();
  readonly #off: () => void;
  #scratch: Uint8Array | undefined;

  constructor(session: PeerSession) {
    this.session = session;
    // The session reports its backlog whenever it flushes: after each send and on bufferedamountlow.
    const offBuffered = session.events.on('buffered-amount', ({ lane }) => {
      if (this.#waiting.size > 0 && lane === 'reliable' && this.hasRoom()) this.#wake();
    });
    const offClosed = session.events.on('closed', () => this.#wake());
    this.#off = () => {
      offBuffered();
      offClosed();
    };
  }

  /** Largest data a chunk frame carries. */
  get pieceBytes(): number {
    return this.session.frameLimit - chunkFrameOverhead;
  }

  get closed(): boolean {
    return this.session.closed;
  }

  /** Whether the session's queue is short enough to take another chunk without growing memory. */
  hasRoom(): boolean {
    return this.session.backlog('reliable').queuedBytes < queueHighWater;
  }

  /** Resolves once there is room (or the link closed). */
  room(): Promise<void> {
    if (this.hasRoom() || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.add(resolve));
  }

  /**
   * Sends one chunk, framed in one pass into this link's scratch buffer (the session copies it only if it must wait),
   * so a chunk costs no allocation; throws a BeckonError when the link is gone or its queue is full.
   */
  sendChunk(id: number, index: number, data: Uint8Array): void {
    if (this.closed) throw new BeckonError('not-connected', `Link to ${this.session.peer} is closed`, { peer: this.session.peer });
    this.#scratch ??= new Uint8Array(this.session.frameLimit);
    this.session.sendEncoded(encodeStreamChunkFrame(id, index, data, this.#scratch));
  }

  /** Sends a stream frame; throws a BeckonError when the link is gone or its queue is full. */
  send<T extends object>(type: MessageType<T>, value: MessageInit<T>): void {
    if (this.closed) throw new BeckonError('not-connected', `Link to ${this.session.peer} is closed`, { peer: this.session.peer });
    this.session.send({ type: type.id, payload: type.encode(value) }, 'reliable', false);
  }

  /** Sends a control frame where failure only means the link is going away. */
  trySend<T extends object>(type: MessageType<T>, value: MessageInit<T>): void {
    try {
      this.send(type, value);
    } catch {
      // The link is gone; the other side learns it from the link.
    }
  }

  dispose(): void {
    this.#off();
    this.#wake();
  }

  #wake(): void {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const resolve of waiting) resolve();
  }
}
