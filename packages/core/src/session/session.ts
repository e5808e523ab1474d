import { decodeFrame, encodeFrame, encodeFrameHead, maxAckBytes, writeFrame } from '../codec.ts';
import type { Frame, FrameInit } from '../codec.ts';
import { Emitter } from '../emitter.ts';
import { BeckonError } from '../errors.ts';
import { Ack, Chunk, Heartbeat } from '../gen/control.ts';
import type { LaneName } from '../lanes.ts';
import type { Link } from '../transport.ts';
import { Writer } from '../wire/index.ts';
import { now } from '../util.ts';
import { AckWindow, PendingDeliveries } from './acks.ts';
import { Settlement } from './settlement.ts';
import { LaneSender } from './lane-sender.ts';
import type { LaneSenderContext } from './lane-sender.ts';
import { sentFrame } from './sent.ts';
import type { SentFrame } from './sent.ts';
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
  readonly #lanes = new Map<LaneName, LaneSender>();
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
  readonly #laneContext: LaneSenderContext;
  #skippedBeats = 0;
  #policy: ReceivePolicy | undefined;

  constructor(link: Link, options: Partial<SessionOptions> = {}) {
    this.link = link;
    const merged = { ...defaultSessionOptions, ...options };
    // The queue resumes on bufferedamountlow, which only fires if the channel once held more than the threshold.
    this.#options = { ...merged, lowWaterMark: Math.min(merged.lowWaterMark, merged.highWaterMark) };
    this.#laneContext = this.#makeLaneContext();
    for (const [name, channel] of link.channels) this.#lanes.set(name, new LaneSender(channel, name === ackLane, this.#laneContext));
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
        onBufferedAmountLow: () => state.flush(),
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
  send(init: FrameInit, laneName: LaneName, wantAck = true): SentFrame {
    if (this.#closed) throw new BeckonError('not-connected', `Peer ${this.peer} is disconnected`, { peer: this.peer, lane: laneName });
    const lane = this.#lanes.get(laneName);
    if (!lane) throw new BeckonError('not-connected', `No ${laneName} lane to peer ${this.peer}`, { peer: this.peer, lane: laneName });
    const seq = wantAck && lane.reliable ? ++this.#seq : 0;
    const sentAt = init.sentAt || now();
    const limit = this.frameLimit;
    if (init.payload.length < limit) {
      const direct = this.#sendDirect(lane, laneName, init, seq, sentAt, limit);
      if (direct !== undefined) return direct;
    }
    // A small frame is written whole in one pass, with room after it for the ack it picks up as it leaves.
    const whole = init.payload.length < limit ? encodeFrame(init, lane.reliable ? maxAckBytes : 0, seq, sentAt) : undefined;
    let transfer = 0;

    if (whole === undefined || whole.length > limit) {
      // The head is encoded once and the message chunked from it and the payload, which is never copied whole.
      const head = encodeFrameHead(init, seq, sentAt);
      transfer = this.#nextTransfer++;
      lane.enqueueChunks([head, init.payload], head.length + init.payload.length, transfer, init.type);
    } else if (lane.reliable) {
      lane.enqueue(whole, true);
    } else {
      return sentFrame(seq, transfer, Settlement.of(lane.sendUnreliable(whole)));
    }

    const settlement = seq ? this.#pending.track(seq) : Settlement.of({ ok: true, seq, at: now() });
    // A reply sent while a frame is being handled leaves once that frame is acknowledged, so it carries the ack.
    if (this.#handling > 0 && laneName === ackLane) this.#deferredFlush = true;
    else lane.flush();
    return sentFrame(seq, transfer, settlement);
  }

  /**
   * The fast path: a small frame that can leave now is written into the writers' shared buffer and handed to the
   * channel, which copies it, so the frame needs no buffer of its own. Undefined when it must take the other path: too
   * big for one frame, or it has to wait (frames queued ahead of it, a reply waiting to carry the ack of the frame being
   * handled, a channel that is full or not open).
   */
  #sendDirect(lane: LaneSender, laneName: LaneName, init: FrameInit, seq: number, sentAt: number, limit: number): SentFrame | undefined {
    const reliable = lane.reliable;
    if (reliable && this.#handling > 0 && laneName === ackLane) return undefined;
    if (!lane.canWriteNow()) return undefined;
    const ack = laneName === ackLane ? this.#acks.pending() : 0;
    const writer = Writer.create();
    writeFrame(writer, init, seq, sentAt, ack);
    if (writer.len > limit) {
      writer.release();
      return undefined;
    }
    // Tracked before the write: a write that finds the lane gone closes the session, which fails what it tracks.
    const settlement = reliable ? (seq ? this.#pending.track(seq) : Settlement.of({ ok: true, seq, at: now() })) : undefined;
    const written = lane.write(writer.view());
    writer.release();
    this.#reportBuffered(lane);
    if (settlement === undefined) return sentFrame(seq, 0, Settlement.of(written ? { ok: true, seq: 0, at: now() } : lane.refusedResult()));
    if (written && ack) this.#acks.told(ack);
    // The channel's own queue was full: the frame waits for low water like any other (a refused one was reported).
    if (!written && lane.congested) lane.enqueue(encodeFrame(init, maxAckBytes, seq, sentAt), true);
    return sentFrame(seq, 0, settlement);
  }

  /**
   * Sends a frame the caller encoded whole, unacknowledged, on a reliable lane: the byte streams' hook, so a stream
   * chunk's data is copied once on its way to the channel. The bytes are lent for the call, as to `Channel.send`
   * (copied when they must wait). Throws like `send`.
   */
  sendEncoded(bytes: Uint8Array, laneName: LaneName = ackLane): void {
    const lane = this.#lanes.get(laneName);
    if (this.#closed || !lane?.reliable) throw new BeckonError('not-connected', `No open ${laneName} lane to peer ${this.peer}`, { peer: this.peer, lane: laneName });
    const deferred = this.#handling > 0 && laneName === ackLane;
    if (!deferred && lane.canWriteNow() && lane.write(bytes)) return this.#reportBuffered(lane);
    if (this.#closed) return;
    lane.enqueue(bytes.slice(), false);
    if (deferred) this.#deferredFlush = true;
    else lane.flush();
  }

  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#liveness.stop();
    this.#acks.stop();
    this.#pending.failAll(new BeckonError('delivery-failed', `Link to ${this.peer} closed (${reason}) before delivery was acknowledged`, { peer: this.peer }));
    this.#reassembly.clear();
    this.stats.reassemblyBytes = 0;
    for (const lane of this.#lanes.values()) lane.clear();
    this.link.close();
    this.events.emit('closed', { reason });
  }

  #makeLaneContext(): LaneSenderContext {
    return {
      peer: this.link.remoteId,
      options: this.#options,
      frameLimit: () => this.frameLimit,
      pendingAck: () => this.#acks.pending(),
      toldAck: (seq) => this.#acks.told(seq),
      isClosed: () => this.#closed,
      laneGone: () => this.close('lane closed'),
      refused: (error) => {
        this.stats.dropped++;
        this.events.emit('error', error);
      },
      dropped: () => this.stats.dropped++,
      wrote: (bytes) => {
        this.stats.framesSent++;
        this.stats.bytesSent += bytes;
        this.#lastSentAt = now();
      },
      progress: (progress) => this.events.emit('progress', progress),
      backlogChanged: (lane) => this.#reportBuffered(lane),
    };
  }

  #reportBuffered(lane: LaneSender): void {
    if (this.events.listenerCount('buffered-amount') === 0) return;
    this.events.emit('buffered-amount', { lane: lane.name, bufferedAmount: lane.channel.bufferedAmount, queuedBytes: lane.queuedBytes });
  }

  /** Writes a small control frame straight to the channel, ahead of any queued bulk data. */
  #sendControl(init: FrameInit, laneName: LaneName): void {
    const lane = this.#lanes.get(laneName) ?? this.#lanes.get(ackLane);
    if (!lane || this.#closed || lane.channel.state !== 'open') return;
    lane.write(encodeFrame({ ...init, sentAt: init.sentAt || now() }));
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
          this.#lanes.get(ackLane)?.flush();
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
