import { appendAck, decodeFrame, encodeFrame, encodeFrameHead, maxAckBytes } from '../codec.ts';
import type { Frame, FrameInit } from '../codec.ts';
import { Emitter } from '../emitter.ts';
import { BeckonError } from '../errors.ts';
import { Ack, Chunk, Heartbeat } from '../gen/control.ts';
import { isReliable } from '../lanes.ts';
import type { LaneName } from '../lanes.ts';
import type { Channel, Link } from '../transport.ts';
import { now } from '../util.ts';
import { AckWindow, PendingDeliveries } from './acks.ts';
import { chunkOverhead, joinFrame, nextChunkFrame } from './chunks.ts';
import type { OutgoingTransfer } from './chunks.ts';
import { Liveness } from './liveness.ts';
import { defaultSessionOptions } from './options.ts';
import type { ReceivePolicy, SessionOptions } from './options.ts';
import { Reassembly } from './reassembly.ts';
import type { DeliveryResult, SessionEvents, SessionStats } from './types.ts';

/** The lane Ack frames and piggybacked acks travel on. */
const ackLane: LaneName = 'reliable';
const noRefusals: never[] = [];
/** While a link is busy, one heartbeat in this many intervals still goes out, for the round-trip time. */
const beatsPerRttProbe = 5;

/** A frame waiting to be sent, or a chunked message whose chunk frames are made one at a time as the channel drains. */
type Queued = { readonly bytes: Uint8Array } | OutgoingTransfer;

interface LaneState {
  readonly channel: Channel;
  readonly reliable: boolean;
  readonly queue: Queued[];
  queuedBytes: number;
}

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
  readonly #pending = new PendingDeliveries((result) => this.events.emit('delivery', result));
  readonly #acks: AckWindow;
  readonly #reassembly: Reassembly;
  readonly #liveness: Liveness;
  #seq = 0;
  #nextTransfer = 1;
  #closed = false;
  /** Depth of frame handlers running now: replies they send wait until the frame is noted for acknowledgement. */
  #handling = 0;
  #deferredFlush = false;
  #lastSentAt = 0;
  #skippedBeats = 0;
  #policy: ReceivePolicy | undefined;

  constructor(link: Link, options: Partial<SessionOptions> = {}) {
    this.link = link;
    const merged = { ...defaultSessionOptions, ...options };
    // The queue resumes on bufferedamountlow, which only fires if the channel once held more than the threshold.
    this.#options = { ...merged, lowWaterMark: Math.min(merged.lowWaterMark, merged.highWaterMark) };
    for (const [name, channel] of link.channels) {
      this.#lanes.set(name, { channel, reliable: isReliable(channel.lane), queue: [], queuedBytes: 0 });
    }
    this.#acks = new AckWindow(this.#options.ackDelayMs, (ack) => this.#sendControl({ type: Ack.id, payload: Ack.encode(ack) }, ackLane), this.#options.ackSpacingMs);
    this.#reassembly = new Reassembly(this.#options);
    this.#liveness = new Liveness(this.#options.heartbeatIntervalMs, this.#options.heartbeatTimeoutMs, {
      beat: () => this.#beat(),
      timeout: () => this.close('timeout'),
      lastSentAt: () => this.#lastSentAt,
    });
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
    this.#liveness.start();
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
    let transfer = 0;

    if (size > this.frameLimit) {
      this.#assertChunkable(lane, laneName, size);
      transfer = this.#nextTransfer++;
      this.#enqueueChunks(lane, [head, frame.payload], size, transfer, init.type);
    } else if (lane.reliable) {
      const bytes = joinFrame(head, frame.payload);
      this.#assertRoom(lane, bytes.length);
      lane.queue.push({ bytes });
      lane.queuedBytes += bytes.length;
    } else {
      return { seq, transfer, settled: Promise.resolve(this.#sendUnreliable(lane, laneName, joinFrame(head, frame.payload))) };
    }

    const settled = seq ? this.#pending.track(seq) : Promise.resolve<DeliveryResult>({ ok: true, seq, at: now() });
    // A reply sent while a frame is being handled leaves once that frame is acknowledged, so it carries the ack.
    if (this.#handling > 0 && laneName === ackLane) this.#deferredFlush = true;
    else this.#flush(lane);
    return { seq, transfer, settled };
  }

  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#liveness.stop();
    this.#acks.stop();
    this.#pending.failAll(new BeckonError('delivery-failed', `Link to ${this.peer} closed (${reason}) before delivery was acknowledged`, { peer: this.peer }));
    this.#reassembly.clear();
    this.stats.reassemblyBytes = 0;
    for (const lane of this.#lanes.values()) {
      lane.queue.length = 0;
      lane.queuedBytes = 0;
    }
    this.link.close();
    this.events.emit('closed', { reason });
  }

  /** Unreliable frames never wait: written now, or dropped while the channel is congested (stale state is worthless). */
  #sendUnreliable(lane: LaneState, laneName: LaneName, bytes: Uint8Array): DeliveryResult {
    if (lane.channel.bufferedAmount > this.#options.unreliableDropThreshold) {
      this.stats.dropped++;
      return { ok: false, seq: 0, error: new BeckonError('queue-full', `The ${laneName} lane to ${this.peer} is congested; frame dropped`, { peer: this.peer, lane: laneName }) };
    }
    const written = this.#write(lane, bytes);
    this.#reportBuffered(laneName, lane);
    return written
      ? { ok: true, seq: 0, at: now() }
      : { ok: false, seq: 0, error: new BeckonError('delivery-failed', `The ${laneName} lane to ${this.peer} refused the frame`, { peer: this.peer, lane: laneName }) };
  }

  #assertChunkable(lane: LaneState, laneName: LaneName, size: number): void {
    const details = { peer: this.peer, lane: laneName };
    if (!lane.reliable) {
      throw new BeckonError(
        'oversized',
        `Message of ${size} bytes exceeds the ${this.frameLimit}-byte frame limit of the ${laneName} lane; unreliable lanes do not chunk, send it on a reliable lane`,
        details,
      );
    }
    if (size > this.#options.maxMessageBytes) {
      throw new BeckonError('oversized', `Message of ${size} bytes exceeds maxMessageBytes (${this.#options.maxMessageBytes})`, details);
    }
    this.#assertRoom(lane, size);
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

  #flush(lane: LaneState): void {
    if (this.#closed || lane.channel.state !== 'open') return;
    while (lane.queue.length > 0 && lane.channel.bufferedAmount <= this.#options.highWaterMark) {
      const next = lane.queue[0]!;
      if ('bytes' in next) {
        // Any small frame leaving on the ack lane carries the latest ack (protobuf fields may come in any order).
        const ack = lane.channel.lane.name === ackLane && next.bytes.length + maxAckBytes <= this.frameLimit ? this.#acks.pending() : 0;
        const written = this.#write(lane, ack ? appendAck(next.bytes, ack) : next.bytes);
        if (written && ack) this.#acks.told(ack);
        if (!written && lane.channel.bufferedAmount > 0) break; // the channel's own queue is full: wait for low water
        lane.queue.shift();
        lane.queuedBytes -= next.bytes.length;
        continue;
      }
      const written = this.#write(lane, nextChunkFrame(next));
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
    this.#lastSentAt = now();
    return true;
  }

  #reportBuffered(laneName: LaneName, lane: LaneState): void {
    if (this.events.listenerCount('buffered-amount') === 0) return;
    this.events.emit('buffered-amount', { lane: laneName, bufferedAmount: lane.channel.bufferedAmount, queuedBytes: lane.queuedBytes });
  }

  /** Writes a small control frame straight to the channel, ahead of any queued bulk data. */
  #sendControl(init: FrameInit, laneName: LaneName): void {
    const lane = this.#lanes.get(laneName) ?? this.#lanes.get(ackLane);
    if (!lane || this.#closed || lane.channel.state !== 'open') return;
    this.#write(lane, encodeFrame({ ...init, sentAt: init.sentAt || now() }));
  }

  #receive(lane: LaneName, data: Uint8Array): void {
    if (this.#closed) return;
    this.#liveness.heard();
    this.stats.framesReceived++;
    this.stats.bytesReceived += data.length;
    this.#handleFrame(lane, data);
  }

  #handleFrame(lane: LaneName, data: Uint8Array): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      // Garbage counts against the peer's budget like anything else it sends.
      if (this.#policy && !this.#policy.admit('malformed', data.length)) this.stats.overBudget++;
      return this.#refuse(decoded.error);
    }
    const frame = decoded.value;
    const kind = frame.type === Chunk.id ? 'chunk' : frame.type === Ack.id ? 'ack' : frame.type === Heartbeat.id ? 'heartbeat' : 'message';
    if (this.#policy && !this.#policy.admit(kind, data.length)) {
      this.stats.overBudget++;
      return;
    }
    if (frame.ack) this.#pending.acknowledge({ seq: frame.ack, refused: noRefusals }, this.peer);
    switch (kind) {
      case 'chunk':
        return this.#receiveChunk(lane, frame);
      case 'ack':
        return this.#receiveAck(frame);
      case 'heartbeat':
        return this.#receiveHeartbeat(frame);
      default: {
        let refusal: BeckonError | undefined;
        this.#handling++;
        try {
          this.events.emit('frame', { frame, lane, size: data.length, refuse: (error) => (refusal ??= error) });
        } finally {
          this.#handling--;
        }
        // Acknowledged only after the listeners had their say, so a refused frame is never reported delivered.
        if (frame.seq) this.#acks.note(frame.seq, refusal);
        if (this.#handling === 0 && this.#deferredFlush) {
          this.#deferredFlush = false;
          const ackState = this.#lanes.get(ackLane);
          if (ackState) this.#flush(ackState);
        }
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
    const outcome = this.#reassembly.accept(chunk, this.#policy ? this.#policy.maxTransferBytes(chunk.type) : Number.POSITIVE_INFINITY);
    this.stats.reassemblyBytes = this.#reassembly.heldBytes;
    if (outcome.kind === 'refused') return this.#refuse(outcome.error);
    const { type, bytes, totalBytes } = outcome;
    this.events.emit('progress', { direction: 'receive', peer: this.peer, transfer: chunk.transfer, type, bytes, totalBytes });
    if (outcome.kind !== 'complete') return;
    const inner = decodeFrame(outcome.whole);
    if (!inner.ok) return this.#refuse(inner.error);
    if (inner.value.type === Chunk.id) return this.#refuse(new BeckonError('malformed-frame', 'Nested chunk'));
    this.#handleFrame(lane, outcome.whole);
  }

  #receiveAck(frame: Frame): void {
    let ack: Ack;
    try {
      ack = Ack.decode(frame.payload);
    } catch (cause) {
      return this.#refuse(new BeckonError('malformed-frame', 'Malformed ack', { cause }));
    }
    this.#pending.acknowledge(ack, this.peer);
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
    if (this.#reassembly.size > 0) {
      for (const error of this.#reassembly.expire()) this.#refuse(error);
      this.stats.reassemblyBytes = this.#reassembly.heldBytes;
    }
    // The peer hears us anyway while we send (frames, acks, echoes of its beats): then a beat only every few intervals,
    // to keep the round-trip time fresh. A host broadcasting to hundreds sends no heartbeats at all in between.
    if (now() - this.#lastSentAt < this.#options.heartbeatIntervalMs * 0.75 && ++this.#skippedBeats < beatsPerRttProbe) return;
    this.#skippedBeats = 0;
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
