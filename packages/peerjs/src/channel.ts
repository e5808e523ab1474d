import { BeckonError } from '@beckon/core';
import type { Channel, ChannelHandlers, ChannelParams, ChannelState, LaneConfig } from '@beckon/core';

const encoder = new TextEncoder();

/**
 * One lane's RTCDataChannel, behind core's `Channel`. Listeners go on the real channel at once; events
 * that arrive before the core calls `setHandlers` are queued and replayed in order, so nothing is lost
 * while the link is handed over.
 */
export class RtcChannel implements Channel {
  readonly lane: LaneConfig;
  readonly #channel: RTCDataChannel;
  #handlers: ChannelHandlers | undefined;
  #queued: ((handlers: ChannelHandlers) => void)[] = [];
  /** Open events before the hand-over are not replayed: the link is only handed over once lanes are open. */
  #handedOver = false;

  constructor(lane: LaneConfig, channel: RTCDataChannel) {
    this.lane = lane;
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.addEventListener('open', () => {
      if (this.#handedOver) this.#emit((h) => h.onOpen());
    });
    channel.addEventListener('close', () => this.#emit((h) => h.onClose()));
    channel.addEventListener('error', (event) => {
      const error = (event as Event & { error?: unknown }).error;
      const message = error instanceof Error ? error.message : `data channel "${lane.name}" failed`;
      this.#emit((h) => h.onError(new BeckonError('lane-error', message, { lane: lane.name, cause: error })));
    });
    // node-datachannel queues the event from its own thread: when the buffer dipped below the threshold between two
    // sends, the event arrives after the buffer has filled again. Passing that stale event on would let the session
    // send into a full buffer; the next real drain fires the event again.
    channel.addEventListener('bufferedamountlow', () => {
      if (channel.bufferedAmount <= channel.bufferedAmountLowThreshold) this.#emit((h) => h.onBufferedAmountLow());
    });
    channel.addEventListener('message', (event: MessageEvent<unknown>) => {
      const bytes = toBytes(event.data);
      if (bytes === undefined) return;
      this.#emit((h) => h.onMessage(bytes));
    });
  }

  /** For the link: learns of the close without taking the core's handler slot. */
  watchClose(callback: () => void): void {
    if (this.#channel.readyState === 'closed') queueMicrotask(callback);
    else this.#channel.addEventListener('close', callback);
  }

  /** The transport calls this when it hands the link to its owner. */
  markHandedOver(): void {
    this.#handedOver = true;
  }

  get state(): ChannelState {
    return this.#channel.readyState;
  }

  get bufferedAmount(): number {
    return this.#channel.bufferedAmount;
  }

  get bufferedAmountLowThreshold(): number {
    return this.#channel.bufferedAmountLowThreshold;
  }

  set bufferedAmountLowThreshold(value: number) {
    this.#channel.bufferedAmountLowThreshold = value;
  }

  get params(): ChannelParams {
    const c = this.#channel;
    return {
      label: c.label,
      id: c.id,
      negotiated: c.negotiated,
      ordered: c.ordered,
      maxRetransmits: c.maxRetransmits,
      maxPacketLifeTime: c.maxPacketLifeTime,
    };
  }

  send(data: Uint8Array): void {
    if (this.#channel.readyState !== 'open') {
      throw new BeckonError('not-connected', `lane "${this.lane.name}" is ${this.#channel.readyState}`, {
        lane: this.lane.name,
      });
    }
    try {
      this.#channel.send(data as Uint8Array<ArrayBuffer>);
    } catch (error: unknown) {
      // Browsers throw OperationError once their send queue (~16 MiB) is full.
      throw new BeckonError('queue-full', `lane "${this.lane.name}" send queue is full`, {
        lane: this.lane.name,
        cause: error,
      });
    }
  }

  close(): void {
    this.#channel.close();
  }

  setHandlers(handlers: ChannelHandlers): void {
    this.#handlers = handlers;
    const queued = this.#queued;
    this.#queued = [];
    for (const deliver of queued) deliver(handlers);
  }

  #emit(deliver: (handlers: ChannelHandlers) => void): void {
    if (this.#handlers === undefined) this.#queued.push(deliver);
    else deliver(this.#handlers);
  }
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // A peer that sends text (not Beckon) still gets through as bytes rather than being dropped silently.
  if (typeof data === 'string') return encoder.encode(data);
  return undefined;
}
