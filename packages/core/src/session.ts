import { Writer } from './wire/index.ts';
import { decodeFrame, encodeFrame, encodeFrameHead } from './codec.ts';
import type { Frame, FrameInit } from './codec.ts';
import { Emitter } from './emitter.ts';
import { BeckonError } from './errors.ts';
import type { BeckonErrorCode } from './errors.ts';
import { Ack, Chunk, Heartbeat } from './gen/control.ts';
import { isReliable } from './lanes.ts';
import type { LaneName } from './lanes.ts';
import type { Channel, Link } from './transport.ts';
import { now } from './util.ts';

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
  /** A peer silent for this long is gone (PeerJS's close event often never fires). */
  readonly heartbeatTimeoutMs: number;
  /** Acknowledgements are coalesced for this long. */
  readonly ackDelayMs: number;
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
   * it unseen (no echo, no ack, no reassembly). `kind` says what it is; `size` is its encoded length.
   */
  admit(kind: 'message' | 'chunk' | 'ack' | 'heartbeat', size: number): boolean;
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
  heartbeatTimeoutMs: 4000,
  ackDelayMs: 4,
  maxConcurrentTransfers: 16,
  maxReassemblyBytes: 64 * 1024 * 1024,
  transferIdleMs: 10_000,
};

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

/** A frame waiting to be sent, or a chunked message whose chunk frames are made one at a time as the channel drains. */
type Queued = { readonly bytes: Uint8Array } | Transfer;

interface Transfer {
  /** The encoded message as segments (the frame's head, then the payload); chunks are views into them. */
  readonly segments: readonly Uint8Array[];
  readonly message: { readonly length: number };
  readonly transfer: number;
  readonly type: number;
  readonly chunkSize: number;
  readonly count: number;
  index: number;
}

interface LaneState {
  readonly channel: Channel;
  readonly reliable: boolean;
  readonly queue: Queued[];
  queuedBytes: number;
}

interface IncomingTransfer {
  readonly count: number;
  readonly totalBytes: number;
  readonly type: number;
  readonly parts: Uint8Array[];
  received: number;
  lastAt: number;
}

interface Pending {
  readonly resolve: (result: DeliveryResult) => void;
}

const chunkOverhead = 64;

/**
 * One peer's side of one link: framing, chunking, back-pressure, acknowledgements and liveness.
 * The room owns one session per connected peer. Nothing on the receive path throws: problems become `error` events.
 */
export class PeerSession {
  readonly link: Link;
  readonly events = new Emitter<SessionEvents>();
  readonly stats: SessionStats = {
    framesSent: 0,
    framesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    dropped: 0,
    refused: 0,
    overBudget: 0,
    reassemblyBytes: 0,
    rttMs: undefined,
  };
  readonly #options: SessionOptions;
  readonly #lanes = new Map<LaneName, LaneState>();
  readonly #pending = new Map<number, Pending>();
  readonly #transfers = new Map<number, IncomingTransfer>();
  #seq = 0;
  #nextTransfer = 1;
  #ackSeq = 0;
  readonly #ackRefusals: { seq: number; code: string; message: string }[] = [];
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  #lastReceivedAt = now();
  #closed = false;
  #policy: ReceivePolicy | undefined;
  #reservedBytes = 0;

  constructor(link: Link, options: Partial<SessionOptions> = {}) {
    this.link = link;
    const merged = { ...defaultSessionOptions, ...options };
    // The queue resumes on bufferedamountlow, which only fires if the channel once held more than the threshold.
    this.#options = { ...merged, lowWaterMark: Math.min(merged.lowWaterMark, merged.highWaterMark) };
    for (const [name, channel] of link.channels) {
      this.#lanes.set(name, { channel, reliable: isReliable(channel.lane), queue: [], queuedBytes: 0 });
    }
  }

  /** Sets what this session accepts from its peer (budgets, chunking); without one, everything within the options. */
  setReceivePolicy(policy: ReceivePolicy | undefined): void {
    this.#policy = policy;
  }

  /** Transport id of the remote peer. */
  get peer(): string {
    return this.link.remoteId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Takes over the channels, starts heartbeats and announces the open lanes. Call after subscribing to events. */
  start(): void {
    if (this.#closed) return;
    for (const [lane, state] of this.#lanes) if (state.channel.state === 'open') this.events.emit('lane-open', { lane });
    // Handlers go on only now: a transport may replay frames that arrived early, and they need listeners.
    for (const [name, state] of this.#lanes) {
      state.channel.bufferedAmountLowThreshold = this.#options.lowWaterMark;
      state.channel.setHandlers({
        onOpen: () => this.events.emit('lane-open', { lane: name }),
        onClose: () => this.#onLaneClose(name),
        onError: (error) => this.#onLaneError(name, error),
        onMessage: (data) => this.#receive(name, data),
        onBufferedAmountLow: () => this.#flush(state),
      });
    }
    this.link.onClose((reason) => this.close(reason));
    this.#lastReceivedAt = now();
    this.#heartbeatTimer = setInterval(() => this.#beat(), this.#options.heartbeatIntervalMs);
  }

  /** Bytes waiting in the JavaScript queue and in the channel for a lane. */
  backlog(lane: LaneName): { queuedBytes: number; bufferedAmount: number } {
    const state = this.#lanes.get(lane);
    return { queuedBytes: state?.queuedBytes ?? 0, bufferedAmount: state?.channel.bufferedAmount ?? 0 };
  }

  /** Largest frame this session sends unchunked. */
  get frameLimit(): number {
    return Math.min(this.#options.chunkSize, this.link.maxMessageSize);
  }

  /**
   * Sends one frame. Throws a BeckonError for what the caller can fix (oversized on an unreliable lane, queue full,
   * closed); the returned promise settles with the delivery result and never rejects.
   */
  send(init: FrameInit, laneName: LaneName, wantAck = true): { readonly seq: number; readonly transfer: number; readonly settled: Promise<DeliveryResult> } {
    if (this.#closed) throw new BeckonError('not-connected', `Peer ${this.peer} is disconnected`, { peer: this.peer, lane: laneName });
    const lane = this.#lanes.get(laneName);
    if (!lane) throw new BeckonError('not-connected', `No ${laneName} lane to peer ${this.peer}`, { peer: this.peer, lane: laneName });
    const seq = wantAck && lane.reliable ? ++this.#seq : 0;
    const frame: FrameInit = { ...init, seq, sentAt: init.sentAt || now() };
    // The head is encoded once: a small frame is head + payload in one buffer, a large one is chunked from both.
    const head = encodeFrameHead(frame);
    const size = head.length + frame.payload.length;
    const limit = this.frameLimit;
    let transfer = 0;

    if (size > limit) {
      if (!lane.reliable) {
        throw new BeckonError(
          'oversized',
          `Message of ${size} bytes exceeds the ${limit}-byte frame limit of the ${laneName} lane; unreliable lanes do not chunk, send it on a reliable lane`,
          { peer: this.peer, lane: laneName },
        );
      }
      if (size > this.#options.maxMessageBytes) {
        throw new BeckonError('oversized', `Message of ${size} bytes exceeds maxMessageBytes (${this.#options.maxMessageBytes})`, {
          peer: this.peer,
          lane: laneName,
        });
      }
      this.#assertRoom(lane, size);
      transfer = this.#nextTransfer++;
      this.#enqueueChunks(lane, [head, frame.payload], size, transfer, init.type);
    } else if (lane.reliable) {
      const bytes = joinFrame(head, frame.payload);
      this.#assertRoom(lane, bytes.length);
      lane.queue.push({ bytes });
      lane.queuedBytes += bytes.length;
    } else if (lane.channel.bufferedAmount > this.#options.unreliableDropThreshold) {
      this.stats.dropped++;
      const error = new BeckonError('queue-full', `The ${laneName} lane to ${this.peer} is congested; frame dropped`, { peer: this.peer, lane: laneName });
      return { seq, transfer, settled: Promise.resolve({ ok: false, seq, error }) };
    } else {
      const written = this.#write(lane, joinFrame(head, frame.payload));
      this.#reportBuffered(laneName, lane);
      const result: DeliveryResult = written
        ? { ok: true, seq, at: now() }
        : { ok: false, seq, error: new BeckonError('delivery-failed', `The ${laneName} lane to ${this.peer} refused the frame`, { peer: this.peer, lane: laneName }) };
      return { seq, transfer, settled: Promise.resolve(result) };
    }

    const settled = seq
      ? new Promise<DeliveryResult>((resolve) => this.#pending.set(seq, { resolve }))
      : Promise.resolve<DeliveryResult>({ ok: true, seq, at: now() });
    this.#flush(lane);
    return { seq, transfer, settled };
  }

  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeatTimer);
    clearTimeout(this.#deadlineTimer);
    clearTimeout(this.#ackTimer);
    const error = new BeckonError('delivery-failed', `Link to ${this.peer} closed (${reason}) before delivery was acknowledged`, { peer: this.peer });
    for (const [seq, pending] of this.#pending) {
      const result: DeliveryResult = { ok: false, seq, error };
      pending.resolve(result);
      this.events.emit('delivery', result);
    }
    this.#pending.clear();
    this.#transfers.clear();
    this.stats.reassemblyBytes = 0;
    this.#reservedBytes = 0;
    for (const lane of this.#lanes.values()) {
      lane.queue.length = 0;
      lane.queuedBytes = 0;
    }
    this.link.close();
    this.events.emit('closed', { reason });
  }

  #assertRoom(lane: LaneState, bytes: number): void {
    if (lane.queuedBytes + bytes > this.#options.maxQueuedBytes) {
      throw new BeckonError(
        'queue-full',
        `Send queue to ${this.peer} is full (${lane.queuedBytes} of ${this.#options.maxQueuedBytes} bytes queued)`,
        { peer: this.peer, lane: lane.channel.lane.name },
      );
    }
  }

  #enqueueChunks(lane: LaneState, segments: readonly Uint8Array[], length: number, transfer: number, type: number): void {
    const chunkSize = this.frameLimit - chunkOverhead;
    // Chunk frames are encoded lazily in #flush: nothing is copied up front, and the first chunk leaves at once.
    lane.queue.push({ segments, message: { length }, transfer, type, chunkSize, count: Math.ceil(length / chunkSize), index: 0 });
    lane.queuedBytes += length;
  }

  /** Encodes the next chunk frame of a transfer: one copy of the chunk's bytes. */
  #chunkFrame(job: Transfer): Uint8Array {
    const start = job.index * job.chunkSize;
    return encodeChunkFrame(job, sliceSegments(job.segments, start, Math.min(job.message.length, start + job.chunkSize)));
  }

  #flush(lane: LaneState): void {
    if (this.#closed || lane.channel.state !== 'open') return;
    while (lane.queue.length > 0 && lane.channel.bufferedAmount <= this.#options.highWaterMark) {
      const next = lane.queue[0]!;
      if ('bytes' in next) {
        const written = this.#write(lane, next.bytes);
        if (!written && lane.channel.bufferedAmount > 0) break; // the channel's own queue is full: wait for low water
        lane.queue.shift();
        lane.queuedBytes -= next.bytes.length;
        continue;
      }
      const frame = this.#chunkFrame(next);
      const written = this.#write(lane, frame);
      if (!written && lane.channel.bufferedAmount > 0) break;
      const start = next.index * next.chunkSize;
      const sent = Math.min(next.message.length, start + next.chunkSize);
      lane.queuedBytes -= sent - start;
      next.index++;
      if (next.index >= next.count) lane.queue.shift();
      if (!written) continue;
      this.events.emit('progress', { direction: 'send', peer: this.peer, transfer: next.transfer, type: next.type, bytes: sent, totalBytes: next.message.length });
    }
    this.#reportBuffered(lane.channel.lane.name, lane);
  }

  /** Hands one frame to the channel; false if the channel refused it. */
  #write(lane: LaneState, bytes: Uint8Array): boolean {
    try {
      lane.channel.send(bytes);
    } catch (cause) {
      if (lane.channel.state !== 'open') {
        this.close('lane closed');
      } else if (lane.channel.bufferedAmount === 0 || !lane.reliable) {
        // Refused by an idle channel, or on a lane that never waits: it can never be sent as it is.
        this.stats.dropped++;
        const lanes = lane.channel.lane.name;
        this.events.emit('error', new BeckonError('lane-error', `The ${lanes} lane refused a frame: ${String(cause)}`, { peer: this.peer, lane: lanes, cause }));
      }
      return false;
    }
    this.stats.framesSent++;
    this.stats.bytesSent += bytes.length;
    return true;
  }

  #reportBuffered(laneName: LaneName, lane: LaneState): void {
    if (this.events.listenerCount('buffered-amount') === 0) return;
    this.events.emit('buffered-amount', { lane: laneName, bufferedAmount: lane.channel.bufferedAmount, queuedBytes: lane.queuedBytes });
  }

  /** Writes a small control frame straight to the channel, ahead of any queued bulk data. */
  #sendControl(init: FrameInit, laneName: LaneName): void {
    const lane = this.#lanes.get(laneName) ?? this.#lanes.get('reliable');
    if (!lane || this.#closed || lane.channel.state !== 'open') return;
    this.#write(lane, encodeFrame({ ...init, sentAt: init.sentAt || now() }));
  }

  #receive(lane: LaneName, data: Uint8Array): void {
    if (this.#closed) return;
    this.#lastReceivedAt = now();
    this.stats.framesReceived++;
    this.stats.bytesReceived += data.length;
    this.#handleFrame(lane, data);
  }

  #handleFrame(lane: LaneName, data: Uint8Array): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok) return this.#refuse(decoded.error);
    const frame = decoded.value;
    const kind = frame.type === Chunk.id ? 'chunk' : frame.type === Ack.id ? 'ack' : frame.type === Heartbeat.id ? 'heartbeat' : 'message';
    if (this.#policy && !this.#policy.admit(kind, data.length)) {
      this.stats.overBudget++;
      return;
    }
    switch (frame.type) {
      case Chunk.id:
        return this.#receiveChunk(lane, frame);
      case Ack.id:
        return this.#receiveAck(frame);
      case Heartbeat.id:
        return this.#receiveHeartbeat(frame);
      default: {
        let refusal: BeckonError | undefined;
        this.events.emit('frame', { frame, lane, size: data.length, refuse: (error) => (refusal ??= error) });
        // Acknowledged only after the listeners had their say, so a refused frame is never reported delivered.
        if (frame.seq) this.#scheduleAck(frame.seq, refusal);
      }
    }
  }

  #refuse(error: BeckonError): void {
    this.stats.refused++;
    const withPeer = error.peer ? error : new BeckonError(error.code, error.message, { peer: this.peer, cause: error.cause });
    this.events.emit('error', withPeer);
  }

  #receiveChunk(lane: LaneName, frame: Frame): void {
    let chunk: Chunk;
    try {
      chunk = Chunk.decode(frame.payload);
    } catch (cause) {
      return this.#refuse(new BeckonError('malformed-frame', 'Malformed chunk', { cause }));
    }
    const { transfer, index, count, totalBytes, data } = chunk;
    let incoming = this.#transfers.get(transfer);
    if (!incoming) {
      // A new transfer: its header must be sane and within every limit before a byte of it is kept.
      const limit = Math.min(this.#options.maxMessageBytes, this.#policy ? this.#policy.maxTransferBytes(chunk.type) : Number.POSITIVE_INFINITY);
      if (totalBytes > limit) {
        return this.#refuse(new BeckonError('oversized', `Chunked message of ${totalBytes} bytes exceeds the ${limit}-byte limit for its type`));
      }
      if (index !== 0 || !saneChunkHeader(count, totalBytes) || this.#transfers.size >= this.#options.maxConcurrentTransfers) {
        return this.#refuse(new BeckonError('malformed-frame', `Unexpected chunk ${index}/${count} of transfer ${transfer} (${totalBytes} bytes)`));
      }
      // Reserved at the declared size, so transfers started together cannot add up past the bound.
      if (this.#reservedBytes + totalBytes > this.#options.maxReassemblyBytes) {
        return this.#refuse(new BeckonError('oversized', `Transfer ${transfer} would hold more than ${this.#options.maxReassemblyBytes} bytes of unfinished transfers`));
      }
      incoming = { count, totalBytes, type: chunk.type, parts: [], received: 0, lastAt: now() };
      this.#transfers.set(transfer, incoming);
      this.#reservedBytes += totalBytes;
    }
    if (index !== incoming.parts.length || count !== incoming.count || data.length === 0 || incoming.received + data.length > incoming.totalBytes) {
      this.#dropTransfer(transfer, incoming);
      return this.#refuse(new BeckonError('malformed-frame', `Chunk ${index}/${count} of transfer ${transfer} does not fit the transfer`));
    }
    incoming.parts.push(data);
    incoming.received += data.length;
    incoming.lastAt = now();
    this.stats.reassemblyBytes += data.length;
    this.events.emit('progress', {
      direction: 'receive',
      peer: this.peer,
      transfer,
      type: incoming.type,
      bytes: incoming.received,
      totalBytes: incoming.totalBytes,
    });
    if (incoming.parts.length < incoming.count) return;
    this.#dropTransfer(transfer, incoming);
    if (incoming.received !== incoming.totalBytes) {
      return this.#refuse(new BeckonError('malformed-frame', `Transfer ${transfer} ended with ${incoming.received} of ${incoming.totalBytes} bytes`));
    }
    const whole = new Uint8Array(incoming.totalBytes);
    let offset = 0;
    for (const part of incoming.parts) {
      whole.set(part, offset);
      offset += part.length;
    }
    const inner = decodeFrame(whole);
    if (!inner.ok) return this.#refuse(inner.error);
    if (inner.value.type === Chunk.id) return this.#refuse(new BeckonError('malformed-frame', 'Nested chunk'));
    this.#handleFrame(lane, whole);
  }

  #dropTransfer(transfer: number, incoming: IncomingTransfer): void {
    if (this.#transfers.get(transfer) !== incoming) return;
    this.#transfers.delete(transfer);
    this.stats.reassemblyBytes -= incoming.received;
    this.#reservedBytes -= incoming.totalBytes;
  }

  /** Frees transfers that stopped making progress: a peer cannot park unfinished bytes here for long. */
  #expireTransfers(): void {
    const t = now();
    for (const [transfer, incoming] of this.#transfers) {
      if (t - incoming.lastAt <= this.#options.transferIdleMs) continue;
      this.#dropTransfer(transfer, incoming);
      this.#refuse(new BeckonError('timeout', `Transfer ${transfer} stalled at ${incoming.received} of ${incoming.totalBytes} bytes; dropped`));
    }
  }

  #receiveAck(frame: Frame): void {
    let ack: Ack;
    try {
      ack = Ack.decode(frame.payload);
    } catch (cause) {
      return this.#refuse(new BeckonError('malformed-frame', 'Malformed ack', { cause }));
    }
    const seq = ack.seq;
    const refused = new Map(ack.refused.map((refusal) => [refusal.seq, refusal]));
    const at = now();
    for (const [pendingSeq, pending] of this.#pending) {
      if (pendingSeq > seq) break;
      this.#pending.delete(pendingSeq);
      const refusal = refused.get(pendingSeq);
      const result: DeliveryResult = refusal
        ? { ok: false, seq: pendingSeq, error: new BeckonError(refusalCode(refusal.code), `${this.peer} refused the message: ${refusal.message}`, { peer: this.peer }) }
        : { ok: true, seq: pendingSeq, at };
      pending.resolve(result);
      this.events.emit('delivery', result);
    }
  }

  #scheduleAck(seq: number, refusal: BeckonError | undefined): void {
    this.#ackSeq = Math.max(this.#ackSeq, seq);
    if (refusal && this.#ackRefusals.length < maxRefusalsPerAck) {
      this.#ackRefusals.push({ seq, code: refusal.code, message: refusal.message.slice(0, 200) });
    }
    if (this.#ackTimer !== undefined) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = undefined;
      const refused = this.#ackRefusals.splice(0);
      this.#sendControl({ type: Ack.id, payload: Ack.encode({ seq: this.#ackSeq, refused }) }, 'reliable');
    }, this.#options.ackDelayMs);
  }

  #receiveHeartbeat(frame: Frame): void {
    let beat: Heartbeat;
    try {
      beat = Heartbeat.decode(frame.payload);
    } catch (cause) {
      return this.#refuse(new BeckonError('malformed-frame', 'Malformed heartbeat', { cause }));
    }
    if (beat.echo === 0) {
      this.#sendControl({ type: Heartbeat.id, payload: Heartbeat.encode({ sentAt: now(), echo: beat.sentAt }) }, 'unreliable');
      return;
    }
    const rtt = now() - beat.echo;
    if (rtt >= 0 && rtt < 60_000) {
      this.stats.rttMs = rtt;
      this.events.emit('rtt', rtt);
    }
  }

  #beat(): void {
    if (this.#transfers.size > 0) this.#expireTransfers();
    const silentFor = now() - this.#lastReceivedAt;
    if (silentFor > this.#options.heartbeatTimeoutMs) {
      this.close('timeout');
      return;
    }
    // The deadline falls before the next beat: check at the deadline itself, so a silent peer is gone after
    // heartbeatTimeoutMs, not up to a whole interval later.
    const left = this.#options.heartbeatTimeoutMs - silentFor;
    if (left < this.#options.heartbeatIntervalMs) {
      clearTimeout(this.#deadlineTimer);
      this.#deadlineTimer = setTimeout(() => {
        if (!this.#closed && now() - this.#lastReceivedAt > this.#options.heartbeatTimeoutMs) this.close('timeout');
      }, left + 1);
    }
    this.#sendControl({ type: Heartbeat.id, payload: Heartbeat.encode({ sentAt: now(), echo: 0 }) }, 'unreliable');
  }

  #onLaneClose(lane: LaneName): void {
    this.events.emit('lane-close', { lane });
    // Without its reliable lane a session cannot keep its promises.
    if (this.#lanes.get(lane)?.reliable) this.close('lane closed');
  }

  #onLaneError(lane: LaneName, cause: Error): void {
    const error = new BeckonError('lane-error', `The ${lane} lane to ${this.peer} failed: ${cause.message}`, { peer: this.peer, lane, cause });
    this.events.emit('lane-error', { lane, error });
  }
}

/**
 * A chunk header worth keeping: at least one byte per chunk, and no more chunks than 1 KiB pieces would need (every
 * sender chunks at 1 KiB or more), so an empty or absurd header (count 2^32-1) never starts a transfer.
 */
function saneChunkHeader(count: number, totalBytes: number): boolean {
  return count >= 1 && totalBytes >= count && count <= Math.ceil(totalBytes / 1024) + 1;
}

/** Refusals reported in one ack at most; beyond that (a flood), the rest are still counted as refused by the room. */
const maxRefusalsPerAck = 512;

const refusalCodes: ReadonlySet<string> = new Set<BeckonErrorCode>(['malformed-frame', 'unknown-type', 'oversized', 'policy-violation', 'rate-limited', 'queue-full', 'removed', 'rejected']);

/** A refusal's code from the wire, or `policy-violation` when the peer sent something else. */
function refusalCode(code: string): BeckonErrorCode {
  return refusalCodes.has(code) ? (code as BeckonErrorCode) : 'policy-violation';
}

const CHUNK_TYPE_TAG = (1 << 3) | 5;
const CHUNK_PAYLOAD_TAG = (2 << 3) | 2;

/**
 * An Envelope carrying a Chunk, written in one pass (wire-compatible with `Chunk` in protos/beckon/control.proto and
 * `encodeFrame`; codec.test.ts checks it against both).
 */
export function encodeChunkFrame(
  job: Pick<Transfer, 'transfer' | 'index' | 'count' | 'type'> & { readonly message: { readonly length: number } },
  data: Uint8Array,
): Uint8Array {
  const writer = Writer.create();
  writer.uint32(CHUNK_TYPE_TAG).fixed32(Chunk.id);
  writer.uint32(CHUNK_PAYLOAD_TAG).fork();
  if (job.transfer) writer.uint32((1 << 3) | 0).uint32(job.transfer);
  if (job.index) writer.uint32((2 << 3) | 0).uint32(job.index);
  if (job.count) writer.uint32((3 << 3) | 0).uint32(job.count);
  if (job.message.length) writer.uint32((4 << 3) | 0).uint32(job.message.length);
  if (data.length) writer.uint32((5 << 3) | 2).bytes(data);
  if (job.type) writer.uint32((6 << 3) | 5).fixed32(job.type);
  writer.ldelim();
  return writer.finish();
}

/** Bytes [start, end) of the concatenation of `segments`: a view when they lie in one segment, else a copy. */
function sliceSegments(segments: readonly Uint8Array[], start: number, end: number): Uint8Array {
  let offset = 0;
  for (const segment of segments) {
    const segmentEnd = offset + segment.length;
    if (start >= offset && end <= segmentEnd) return segment.subarray(start - offset, end - offset);
    offset = segmentEnd;
  }
  const out = new Uint8Array(end - start);
  offset = 0;
  for (const segment of segments) {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + segment.length);
    if (from < to) out.set(segment.subarray(from - offset, to - offset), from - start);
    offset += segment.length;
  }
  return out;
}

/** A whole frame: its head followed by its payload. */
function joinFrame(head: Uint8Array, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(head.length + payload.length);
  frame.set(head);
  frame.set(payload, head.length);
  return frame;
}
