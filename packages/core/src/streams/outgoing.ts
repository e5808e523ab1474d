import { BeckonError } from '../errors.ts';
import type { BeckonErrorCode } from '../errors.ts';
import { StreamEnd } from '../gen/control.ts';
import type { StreamClose, StreamGrant } from '../gen/control.ts';
import type { StreamLink } from './link.ts';
import { initialCredit } from './types.ts';
import type { ByteStreamInfo, ByteStreamProgress } from './types.ts';

type State = 'open' | 'closing' | 'done' | 'failed';

/**
 * The sending end of a byte stream. `write` resolves once the bytes are handed to the link, waiting while the
 * receiver has granted no more credit (a slow reader) or the channel is full, so the sender holds at most one write.
 */
export class ByteStreamWriter {
  readonly info: ByteStreamInfo;
  /** Settles when the receiver confirmed every byte (after `close`), or rejects with why the stream failed. */
  readonly done: Promise<void>;
  readonly #link: StreamLink;
  readonly #onProgress: ((progress: ByteStreamProgress) => void) | undefined;
  #state: State = 'open';
  #sent = 0;
  #index = 0;
  /** Total bytes the receiver allows so far: the protocol's initial credit until its first grant. */
  #credit = initialCredit;
  #acknowledged = 0;
  #error: BeckonError | undefined;
  #wake: (() => void) | undefined;
  #resolve!: () => void;
  #reject!: (error: BeckonError) => void;
  /** Writes run one after another, in order. */
  #chain: Promise<void> = Promise.resolve();
  /** Until the receiver answers the open at all (a grant or a refusal). */
  #answerTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @internal Made by the room (`streamBytes`), which sends the StreamOpen. A receiver answers an open at once; one
   * that says nothing for `answerMs` (a peer without byte streams, a stalled link) fails the stream with `timeout`.
   */
  constructor(info: ByteStreamInfo, link: StreamLink, answerMs: number, onProgress?: (progress: ByteStreamProgress) => void) {
    this.info = info;
    this.#link = link;
    this.#onProgress = onProgress;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Whoever awaits `close()` or `write()` hears of a failure; `done` must not count as unhandled meanwhile.
    this.done.catch(() => undefined);
    this.#answerTimer = setTimeout(() => {
      const error = new BeckonError('timeout', `No answer to stream ${info.id} (${info.topic}) from ${info.to} within ${answerMs} ms`, { peer: info.to });
      this.#link.trySend(StreamEnd, { id: info.id, bytes: this.#sent, code: 'timeout', reason: error.message });
      this.fail(error);
    }, answerMs);
  }

  /** Bytes handed to the link so far. */
  get bytesSent(): number {
    return this.#sent;
  }

  /** Bytes the receiver reported it holds. */
  get bytesAcknowledged(): number {
    return this.#acknowledged;
  }

  get closed(): boolean {
    return this.#state === 'done' || this.#state === 'failed';
  }

  /** Sends `data`, a frame at a time as credit and the channel allow. Rejects with the stream's error once it failed. */
  write(data: Uint8Array): Promise<void> {
    const run = this.#chain.then(() => this.#write(data));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** No more data: resolves when the receiver confirmed it has every byte. */
  async close(): Promise<void> {
    await this.#chain;
    if (this.#state === 'open') {
      const size = this.info.size;
      if (size !== undefined && this.#sent !== size) {
        await this.abort(`ended after ${this.#sent} of the ${size} bytes declared`);
        throw this.#error!;
      }
      this.#state = 'closing';
      try {
        this.#link.send(StreamEnd, { id: this.info.id, bytes: this.#sent });
      } catch (error) {
        this.fail(asBeckonError(error));
      }
    }
    return this.done;
  }

  /** Stops the stream; the receiver's reader fails with `cancelled` and this reason. */
  async abort(reason = 'aborted by the sender'): Promise<void> {
    if (this.closed) return;
    this.#link.trySend(StreamEnd, { id: this.info.id, bytes: this.#sent, code: 'cancelled', reason });
    this.fail(new BeckonError('cancelled', `Stream ${this.info.id} (${this.info.topic}) aborted: ${reason}`, { peer: this.info.to }));
  }

  /** @internal The receiver's credit. */
  granted(grant: StreamGrant): void {
    clearTimeout(this.#answerTimer);
    if (!Number.isFinite(grant.credit) || !Number.isFinite(grant.received)) return;
    this.#credit = Math.max(this.#credit, grant.credit);
    if (grant.received > this.#acknowledged && grant.received <= this.#sent) this.#acknowledged = grant.received;
    this.#wakeUp();
  }

  /** @internal The receiver's last word: all there (empty code), or refused / cancelled. */
  closedByReceiver(close: StreamClose): void {
    clearTimeout(this.#answerTimer);
    if (this.closed) return;
    if (close.code === '' && this.#state === 'closing') {
      this.#acknowledged = this.#sent;
      this.#state = 'done';
      this.#wakeUp();
      this.#resolve();
      return;
    }
    const code = receiverCodes.has(close.code) ? (close.code as BeckonErrorCode) : 'refused';
    const why = close.reason || close.code || 'closed early';
    this.fail(new BeckonError(code, `The receiver closed stream ${this.info.id} (${this.info.topic}): ${why}`, { peer: this.info.to }));
  }

  /** @internal Fails the stream here (link lost, aborted, refused). */
  fail(error: BeckonError): void {
    clearTimeout(this.#answerTimer);
    if (this.closed) return;
    this.#state = 'failed';
    this.#error = error;
    this.#wakeUp();
    this.#reject(error);
  }

  async #write(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.byteLength) {
      this.#check();
      const size = this.info.size;
      if (size !== undefined && this.#sent + data.byteLength - offset > size) {
        const error = new BeckonError('oversized', `Stream ${this.info.id} declared ${size} bytes; more were written`, { peer: this.info.to });
        await this.abort(error.message);
        throw error;
      }
      // Back-pressure from both ends: the receiver's credit (its app reads), then the channel's queue.
      const allowed = this.#credit - this.#sent;
      if (allowed <= 0) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      if (!this.#link.hasRoom()) {
        await this.#link.room();
        continue;
      }
      const end = offset + Math.min(allowed, this.#link.pieceBytes, data.byteLength - offset);
      const piece = data.subarray(offset, end);
      try {
        this.#link.sendChunk(this.info.id, this.#index, piece);
      } catch (error) {
        this.fail(asBeckonError(error));
        throw this.#error!;
      }
      this.#index++;
      this.#sent += piece.byteLength;
      offset = end;
      this.#onProgress?.({ bytes: this.#sent, totalBytes: size });
    }
  }

  #check(): void {
    if (this.#state === 'failed') throw this.#error!;
    if (this.#link.closed) {
      this.fail(new BeckonError('not-connected', `The link closed during stream ${this.info.id}`, { peer: this.info.to }));
      throw this.#error!;
    }
    if (this.#state !== 'open') throw new BeckonError('closed', `Stream ${this.info.id} is closed for writing`, { peer: this.info.to });
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** Codes a receiver may give for closing a stream; anything else becomes `refused`. */
const receiverCodes: ReadonlySet<string> = new Set<BeckonErrorCode>([
  'cancelled',
  'refused',
  'policy-violation',
  'rate-limited',
  'oversized',
  'malformed-frame',
  'timeout',
  'not-connected',
]);

export function asBeckonError(error: unknown): BeckonError {
  return error instanceof BeckonError ? error : new BeckonError('delivery-failed', error instanceof Error ? error.message : String(error), { cause: error });
}
