import { appendAck, maxAckBytes } from '../codec.ts';
import { BeckonError } from '../errors.ts';
import { isReliable } from '../lanes.ts';
import type { LaneName } from '../lanes.ts';
import type { Channel } from '../transport.ts';
import { now } from '../util.ts';
import { chunkOverhead, nextChunkFrame } from './chunks.ts';
import type { OutgoingTransfer } from './chunks.ts';
import type { SessionOptions } from './options.ts';
import type { DeliveryResult, TransferProgress } from './types.ts';

/**
 * A frame waiting to be sent (`roomy`: its buffer has room for an ack after it), or a chunked message whose chunk
 * frames are made one at a time as the channel drains.
 */
type Queued = { readonly bytes: Uint8Array; readonly roomy: boolean } | OutgoingTransfer;

/** What a lane's sender needs from its session. */
export interface LaneSenderContext {
  readonly peer: string;
  readonly options: SessionOptions;
  /** Largest frame the session sends unchunked. */
  frameLimit(): number;
  /** The cumulative ack a small frame leaving on an ack-carrying lane should carry now (0: none). */
  pendingAck(): number;
  /** That ack left on a frame. */
  toldAck(seq: number): void;
  isClosed(): boolean;
  /** The channel closed under a write. */
  laneGone(): void;
  /** A frame the channel will never take, reported as an error (and counted as dropped). */
  refused(error: BeckonError): void;
  /** An unreliable frame dropped while the channel is congested. */
  dropped(): void;
  /** A frame of `bytes` left. */
  wrote(bytes: number): void;
  progress(progress: TransferProgress): void;
  /** The lane's backlog changed (the session reports it to those who listen). */
  backlogChanged(sender: LaneSender): void;
}

/**
 * The sending side of one lane: its queue, back-pressure from the channel's buffer, chunk frames made as the channel
 * drains, and acks riding on frames that leave.
 */
export class LaneSender {
  readonly channel: Channel;
  readonly name: LaneName;
  readonly reliable: boolean;
  readonly queue: Queued[] = [];
  queuedBytes = 0;
  /**
   * At least what the channel holds: its last reading plus what was written since. The count falls only on its own,
   * so while this is under a limit the channel is too, and the native getter (a call into the WebRTC stack) is skipped.
   */
  #bufferedAtMost = 0;
  readonly #carriesAcks: boolean;
  readonly #context: LaneSenderContext;

  constructor(channel: Channel, carriesAcks: boolean, context: LaneSenderContext) {
    this.channel = channel;
    this.name = channel.lane.name;
    this.reliable = isReliable(channel.lane);
    this.#carriesAcks = carriesAcks;
    this.#context = context;
  }

  /** Open, with nothing queued ahead and room in the channel: a frame may be written now. */
  canWriteNow(): boolean {
    if (this.queue.length > 0 || this.channel.state !== 'open') return false;
    const options = this.#context.options;
    return this.bufferedWithin(this.reliable ? options.highWaterMark : options.unreliableDropThreshold);
  }

  /** Whether the channel holds at most `limit` bytes, reading its count only when our writes could have passed it. */
  bufferedWithin(limit: number): boolean {
    if (this.#bufferedAtMost <= limit) return true;
    this.#bufferedAtMost = this.channel.bufferedAmount;
    return this.#bufferedAtMost <= limit;
  }

  /** Hands one frame to the channel (which copies it); false if the channel refused it. */
  write(bytes: Uint8Array): boolean {
    try {
      this.channel.send(bytes);
    } catch (cause) {
      if (this.channel.state !== 'open') {
        this.#context.laneGone();
      } else if (this.channel.bufferedAmount === 0 || !this.reliable) {
        // Refused by an idle channel, or on a lane that never waits: it can never be sent as it is.
        this.#context.refused(new BeckonError('lane-error', `The ${this.name} lane refused a frame: ${String(cause)}`, { peer: this.#context.peer, lane: this.name, cause }));
      }
      return false;
    }
    this.#bufferedAtMost += bytes.length;
    this.#context.wrote(bytes.length);
    return true;
  }

  /** A frame refused while the channel's own buffer is full waits for low water: true when that is why it was refused. */
  get congested(): boolean {
    return !this.#context.isClosed() && this.channel.bufferedAmount > 0;
  }

  /** Unreliable frames never wait: written now, or dropped while the channel is congested (stale state is worthless). */
  sendUnreliable(bytes: Uint8Array): DeliveryResult {
    if (!this.bufferedWithin(this.#context.options.unreliableDropThreshold)) {
      this.#context.dropped();
      return { ok: false, seq: 0, error: new BeckonError('queue-full', `The ${this.name} lane to ${this.#context.peer} is congested; frame dropped`, { peer: this.#context.peer, lane: this.name }) };
    }
    const written = this.write(bytes);
    this.#context.backlogChanged(this);
    return written ? { ok: true, seq: 0, at: now() } : this.refusedResult();
  }

  refusedResult(): DeliveryResult {
    return { ok: false, seq: 0, error: new BeckonError('delivery-failed', `The ${this.name} lane to ${this.#context.peer} refused the frame`, { peer: this.#context.peer, lane: this.name }) };
  }

  /** Queues a whole frame; `roomy` when its buffer has room after it for an ack. */
  enqueue(bytes: Uint8Array, roomy: boolean): void {
    this.assertRoom(bytes.length);
    this.queue.push({ bytes, roomy });
    this.queuedBytes += bytes.length;
  }

  /** Queues a message too large for one frame, as its head and payload; chunk frames are made as the channel drains. */
  enqueueChunks(segments: readonly Uint8Array[], length: number, transfer: number, type: number): void {
    const options = this.#context.options;
    const details = { peer: this.#context.peer, lane: this.name };
    if (!this.reliable) {
      throw new BeckonError(
        'oversized',
        `Message of ${length} bytes exceeds the ${this.#context.frameLimit()}-byte frame limit of the ${this.name} lane; unreliable lanes do not chunk, send it on a reliable lane`,
        details,
      );
    }
    if (length > options.maxMessageBytes) {
      throw new BeckonError('oversized', `Message of ${length} bytes exceeds maxMessageBytes (${options.maxMessageBytes})`, details);
    }
    this.assertRoom(length);
    const chunkSize = this.#context.frameLimit() - chunkOverhead;
    // Nothing is copied up front, and the first chunk leaves at once.
    this.queue.push({ segments, message: { length }, transfer, type, chunkSize, count: Math.ceil(length / chunkSize), index: 0 });
    this.queuedBytes += length;
  }

  assertRoom(bytes: number): void {
    const max = this.#context.options.maxQueuedBytes;
    if (this.queuedBytes + bytes > max) {
      throw new BeckonError('queue-full', `Send queue to ${this.#context.peer} is full (${this.queuedBytes} of ${max} bytes queued)`, { peer: this.#context.peer, lane: this.name });
    }
  }

  /** Writes what is queued while the channel has room. */
  flush(): void {
    if (this.#context.isClosed() || this.channel.state !== 'open') return;
    const limit = this.#context.frameLimit();
    const highWaterMark = this.#context.options.highWaterMark;
    while (this.queue.length > 0 && this.bufferedWithin(highWaterMark)) {
      const next = this.queue[0]!;
      if ('bytes' in next) {
        // Any small frame leaving on the ack lane carries the latest ack (protobuf fields may come in any order).
        const ack = this.#carriesAcks && next.bytes.length + maxAckBytes <= limit ? this.#context.pendingAck() : 0;
        const written = this.write(ack ? appendAck(next.bytes, ack, next.roomy) : next.bytes);
        if (written && ack) this.#context.toldAck(ack);
        if (!written && this.channel.bufferedAmount > 0) break; // the channel's own queue is full: wait for low water
        this.queue.shift();
        this.queuedBytes -= next.bytes.length;
        continue;
      }
      const written = this.write(nextChunkFrame(next));
      if (!written && this.channel.bufferedAmount > 0) break;
      const start = next.index * next.chunkSize;
      const sent = Math.min(next.message.length, start + next.chunkSize);
      this.queuedBytes -= sent - start;
      next.index++;
      if (next.index >= next.count) this.queue.shift();
      if (!written) continue;
      this.#context.progress({ direction: 'send', peer: this.#context.peer, transfer: next.transfer, type: next.type, bytes: sent, totalBytes: next.message.length });
    }
    this.#context.backlogChanged(this);
  }

  clear(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
  }
}
