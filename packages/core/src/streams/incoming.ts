import { reportListenerError } from '../emitter.ts';
import { BeckonError } from '../errors.ts';
import { StreamClose, StreamGrant } from '../gen/control.ts';
import type { StreamChunk, StreamEnd } from '../gen/control.ts';
import { now } from '../util.ts';
import type { StreamLink } from './link.ts';
import { initialCredit } from './types.ts';
import type { ByteStreamInfo, ByteStreamLimits, ByteStreamProgress } from './types.ts';

type State = 'open' | 'ended' | 'failed';

/**
 * The receiving end of a byte stream: a ReadableStream of the chunks as they arrive, pulled by the app. The sender
 * may run only `windowBytes` ahead of what the app has read, so a slow reader holds at most that much here.
 */
export class ByteStreamReader implements AsyncIterable<Uint8Array> {
  readonly info: ByteStreamInfo;
  /** Called as bytes arrive. */
  onProgress: ((progress: ByteStreamProgress) => void) | undefined;
  readonly #incoming: IncomingByteStream;
  #readable: ReadableStream<Uint8Array> | undefined;
  #iterating = false;

  /** @internal */
  constructor(incoming: IncomingByteStream) {
    this.#incoming = incoming;
    this.info = incoming.info;
  }

  /** The stream as a ReadableStream (made on first use: `for await` on the reader itself skips its machinery). */
  get readable(): ReadableStream<Uint8Array> {
    if (this.#iterating) throw new TypeError('This stream is already being read with for await');
    const incoming = this.#incoming;
    this.#readable ??= new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const chunk = await incoming.next();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
        cancel: (reason) => incoming.cancel(reason === undefined ? 'cancelled by the reader' : String(reason)),
      },
      // Nothing is pulled ahead of the app: the window lives in the incoming stream, where the sender's credit is.
      { highWaterMark: 0 },
    );
    return this.#readable;
  }

  get bytesReceived(): number {
    return this.#incoming.received;
  }

  /** Stops the stream; the sender's promise rejects with `cancelled` and this reason. */
  cancel(reason = 'cancelled by the reader'): void {
    this.#incoming.cancel(reason);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#readable) {
      yield* iterate(this.#readable);
      return;
    }
    if (this.#iterating) throw new TypeError('This stream is already being read');
    this.#iterating = true;
    let finished = false;
    try {
      for (;;) {
        const chunk = await this.#incoming.next();
        if (!chunk) {
          finished = true;
          return;
        }
        yield chunk;
      }
    } finally {
      if (!finished) this.#incoming.cancel('the reader stopped reading');
    }
  }

  /** Every byte in one array: only for streams known to be small. */
  async readAll(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let length = 0;
    for await (const part of this) {
      parts.push(part);
      length += part.byteLength;
    }
    const all = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.byteLength;
    }
    return all;
  }
}

/** @internal An incoming stream's state: credit, the unread chunks, and checks on what the sender sends. */
export class IncomingByteStream {
  readonly info: ByteStreamInfo;
  readonly reader: ByteStreamReader;
  received = 0;
  lastHeardAt = now();
  readonly #link: StreamLink;
  readonly #limits: ByteStreamLimits;
  readonly #onFinished: (stream: IncomingByteStream, error: BeckonError | undefined) => void;
  readonly #queue: Uint8Array[] = [];
  #state: State = 'open';
  #error: BeckonError | undefined;
  #index = 0;
  #consumed = 0;
  #credit = initialCredit;
  #pulled: (() => void) | undefined;
  /** A relayed stream is confirmed to its sender only once the final recipient has it all. */
  readonly #deferConfirm: boolean;
  #confirmed = false;

  constructor(
    info: ByteStreamInfo,
    link: StreamLink,
    limits: ByteStreamLimits,
    onFinished: (stream: IncomingByteStream, error: BeckonError | undefined) => void,
    deferConfirm = false,
  ) {
    this.info = info;
    this.#deferConfirm = deferConfirm;
    this.#link = link;
    this.#limits = limits;
    this.#onFinished = onFinished;
    this.reader = new ByteStreamReader(this);
  }

  /** Bytes held here that the app has not read yet: never more than the window. */
  get heldBytes(): number {
    return this.received - this.#consumed;
  }

  get finished(): boolean {
    return this.#state !== 'open';
  }

  /** Whether the sender has credit it is not using: only then does silence count as idle. */
  get waitingForSender(): boolean {
    return this.#state === 'open' && this.received < this.#credit;
  }

  /** The first window, sent once the stream is accepted. */
  start(): void {
    this.#grant();
  }

  /** A chunk from the sender. Anything that does not fit fails the stream (returned, for the room to count). */
  chunk(chunk: StreamChunk): BeckonError | undefined {
    if (this.#state !== 'open') return undefined; // in flight when we cancelled: harmless, dropped
    const length = chunk.data.byteLength;
    const limit = Math.min(this.info.size ?? this.#limits.maxBytes, this.#limits.maxBytes);
    let problem: string | undefined;
    if (chunk.index !== this.#index) problem = `chunk ${chunk.index} arrived where ${this.#index} was due (duplicate or out of order)`;
    else if (length === 0) problem = 'an empty chunk';
    else if (this.received + length > limit) problem = `more than the ${limit} bytes ${this.info.size === undefined ? 'allowed' : 'declared'}`;
    else if (this.received + length > this.#credit) problem = `${this.received + length} bytes sent with ${this.#credit} granted`;
    if (problem) {
      const code = this.received + length > limit ? 'oversized' : 'malformed-frame';
      return this.fail(new BeckonError(code, `Stream ${this.info.id} (${this.info.topic}) from ${this.info.from}: ${problem}`, { peer: this.info.from }), true);
    }
    this.#index++;
    this.received += length;
    this.lastHeardAt = now();
    this.#queue.push(chunk.data);
    this.#report();
    this.#wakePull();
    return undefined;
  }

  /** The sender's end: finished (it must match what arrived) or aborted. */
  end(end: StreamEnd): BeckonError | undefined {
    if (this.#state !== 'open') return undefined;
    if (end.code !== '') {
      const reason = end.reason || end.code;
      this.fail(new BeckonError('cancelled', `Stream ${this.info.id} (${this.info.topic}) aborted by ${this.info.from}: ${reason}`, { peer: this.info.from }), false);
      return undefined;
    }
    const size = this.info.size;
    if (end.bytes !== this.received || (size !== undefined && this.received !== size)) {
      const error = new BeckonError(
        'malformed-frame',
        `Stream ${this.info.id} from ${this.info.from} ended at ${end.bytes} bytes; ${this.received} arrived${size === undefined ? '' : ` of ${size} declared`}`,
        { peer: this.info.from },
      );
      return this.fail(error, true);
    }
    this.#state = 'ended';
    if (!this.#deferConfirm) this.confirm();
    this.#wakePull();
    return undefined;
  }

  /** Tells the sender every byte arrived. */
  confirm(): void {
    if (this.#state !== 'ended' || this.#confirmed) return;
    this.#confirmed = true;
    this.#link.trySend(StreamClose, { id: this.info.id, received: this.received });
    this.#onFinished(this, undefined);
  }

  /**
   * The app's read: the next chunk, undefined at the end, or the stream's error. Grants the sender more once a
   * quarter of the window is read.
   */
  async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      const chunk = this.#queue.shift();
      if (chunk) {
        this.#consumed += chunk.byteLength;
        if (this.#state === 'open' && this.#credit - this.#consumed <= (this.#limits.windowBytes * 3) / 4) this.#grant();
        return chunk;
      }
      if (this.#state === 'ended') return undefined;
      if (this.#state === 'failed') throw this.#error;
      await new Promise<void>((resolve) => (this.#pulled = resolve));
    }
  }

  /** The app does not want the rest: the sender is told, and what is held is freed. */
  cancel(reason: string): void {
    if (this.#state === 'failed') return;
    const wasOpen = this.#state === 'open';
    this.#queue.length = 0;
    this.#consumed = this.received;
    if (!wasOpen) {
      this.#state = 'failed';
      this.#error = new BeckonError('cancelled', `Stream ${this.info.id} (${this.info.topic}) cancelled: ${reason}`, { peer: this.info.from });
      return;
    }
    this.fail(new BeckonError('cancelled', `Stream ${this.info.id} (${this.info.topic}) cancelled: ${reason}`, { peer: this.info.from }), true, 'cancelled', reason);
  }

  /** Fails the stream here; `tell` sends the sender a StreamClose with the reason. Returns the error. */
  fail(error: BeckonError, tell: boolean, code: string = error.code, reason = error.message): BeckonError {
    const unconfirmed = this.#state === 'ended' && this.#deferConfirm && !this.#confirmed;
    if (this.#state !== 'open' && !unconfirmed) return error;
    this.#state = 'failed';
    this.#error = error;
    // Unread chunks are dropped: a failed stream holds nothing.
    this.#queue.length = 0;
    this.#consumed = this.received;
    if (tell) this.#link.trySend(StreamClose, { id: this.info.id, code, reason, received: this.received });
    this.#onFinished(this, error);
    this.#wakePull();
    return error;
  }

  #grant(): void {
    this.#credit = Math.max(this.#credit, this.#consumed + Math.max(initialCredit, this.#limits.windowBytes));
    // The sender's idle clock starts again with new credit (it may have been waiting for this reader).
    this.lastHeardAt = now();
    this.#link.trySend(StreamGrant, { id: this.info.id, credit: this.#credit, received: this.received });
  }

  #report(): void {
    const onProgress = this.reader.onProgress;
    if (!onProgress) return;
    try {
      onProgress({ bytes: this.received, totalBytes: this.info.size });
    } catch (error) {
      reportListenerError(error);
    }
  }

  #wakePull(): void {
    const pulled = this.#pulled;
    this.#pulled = undefined;
    pulled?.();
  }
}

async function* iterate(readable: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = readable.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel('the reader stopped reading').catch(() => undefined);
    reader.releaseLock();
  }
}
