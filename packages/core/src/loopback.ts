import { BeckonError } from './errors.ts';
import type { LaneConfig, LaneName } from './lanes.ts';
import type { Channel, ChannelHandlers, ChannelParams, ChannelState, ConnectOptions, Link, ListenOptions, Transport } from './transport.ts';

/**
 * An in-memory transport: every peer lives in this process, like MDN's two-peers-on-one-page sample.
 * For unit tests and offline demos. Delivery is asynchronous (a macrotask per batch), ordered lanes keep order,
 * and lanes that do not retransmit can lose frames at a configurable rate.
 */
export interface LoopbackOptions {
  /** Largest frame a channel carries, like SCTP's max-message-size. */
  readonly maxMessageSize?: number;
  /** Probability in [0, 1) that a frame on a lane without full retransmission is lost. */
  readonly lossRate?: number;
  /** Random source for loss, so tests can be deterministic. */
  readonly random?: () => number;
}

export class LoopbackNetwork {
  readonly #peers = new Map<string, LoopbackTransport>();
  readonly options: Required<LoopbackOptions>;

  constructor(options: LoopbackOptions = {}) {
    this.options = { maxMessageSize: 262_144, lossRate: 0, random: Math.random, ...options };
  }

  /** A transport for a new peer with id `id`. Fails like a signalling server does if the id is taken. */
  transport(id: string): LoopbackTransport {
    if (this.#peers.has(id)) throw new BeckonError('refused', `Peer id "${id}" is taken`, { peer: id });
    const transport = new LoopbackTransport(this, id);
    this.#peers.set(id, transport);
    return transport;
  }

  /** @internal */
  peer(id: string): LoopbackTransport | undefined {
    return this.#peers.get(id);
  }

  /** @internal */
  release(id: string): void {
    this.#peers.delete(id);
  }
}

export class LoopbackTransport implements Transport {
  readonly localId: string;
  readonly #network: LoopbackNetwork;
  readonly #links = new Set<LoopbackLink>();
  #onLink: ((link: Link) => void) | undefined;
  #accept: ((remoteId: string) => boolean) | undefined;
  #listenLanes: readonly LaneConfig[] = [];
  #closed = false;

  constructor(network: LoopbackNetwork, id: string) {
    this.#network = network;
    this.localId = id;
  }

  /** Open links, for tests that cut one (`vanish`) to imitate a dead tab. */
  get links(): ReadonlySet<LoopbackLink> {
    return this.#links;
  }

  listen(options: ListenOptions, onLink: (link: Link) => void): void {
    this.#listenLanes = options.lanes;
    this.#accept = options.accept;
    this.#onLink = onLink;
  }

  async connect(remoteId: string, options: ConnectOptions): Promise<Link> {
    if (this.#closed) throw new BeckonError('closed', 'Transport is closed');
    await delay(0);
    const remote = this.#network.peer(remoteId);
    if (!remote || !remote.#onLink) throw new BeckonError('not-connected', `No peer "${remoteId}" is listening`, { peer: remoteId });
    if (remote.#accept !== undefined && !remote.#accept(this.localId)) {
      throw new BeckonError('not-connected', `Peer "${remoteId}" turned the connection away`, { peer: remoteId });
    }
    const lanes = options.lanes.filter((lane) => remote.#listenLanes.some((other) => other.id === lane.id));
    const local = new LoopbackLink(remoteId, lanes, this.#network.options);
    const far = new LoopbackLink(this.localId, lanes, this.#network.options);
    local.pair(far);
    this.#links.add(local);
    remote.#links.add(far);
    local.onClose(() => this.#links.delete(local));
    far.onClose(() => remote.#links.delete(far));
    remote.#onLink(far);
    return local;
  }

  /**
   * The whole tab dies: every link is cut without a word and nothing connects from here again (the id stays taken,
   * as on a PeerServer that has not noticed yet). Unlike cutting one link, the peer cannot come back and race the
   * other side's timeout.
   */
  vanish(): void {
    this.#closed = true;
    for (const link of this.#links) link.vanish();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const link of [...this.#links]) link.close();
    this.#network.release(this.localId);
  }
}

class LoopbackLink implements Link {
  readonly remoteId: string;
  readonly maxMessageSize: number;
  readonly channels = new Map<LaneName, LoopbackChannel>();
  readonly #closeCallbacks: ((reason: string) => void)[] = [];
  #peer: LoopbackLink | undefined;
  #closed = false;
  #vanished = false;

  constructor(remoteId: string, lanes: readonly LaneConfig[], options: Required<LoopbackOptions>) {
    this.remoteId = remoteId;
    this.maxMessageSize = options.maxMessageSize;
    for (const lane of lanes) this.channels.set(lane.name, new LoopbackChannel(lane, options));
  }

  pair(peer: LoopbackLink): void {
    this.#peer = peer;
    peer.#peer = this;
    for (const [name, channel] of this.channels) channel.pair(peer.channels.get(name)!);
  }

  onClose(callback: (reason: string) => void): void {
    this.#closeCallbacks.push(callback);
  }

  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const channel of this.channels.values()) channel.close();
    for (const callback of this.#closeCallbacks) callback(reason);
    // A vanished link tells the other side nothing, not even that it closed: only heartbeats notice.
    if (!this.#vanished) this.#peer?.close('closed by peer');
  }

  /**
   * Nothing crosses the link, either way, for `ms`; then everything held arrives in order. To each side it looks like
   * the other's main thread was blocked (a long frame, a tab in the background).
   */
  stall(ms: number): void {
    const channels = [...this.channels.values(), ...(this.#peer?.channels.values() ?? [])];
    for (const channel of channels) channel.hold();
    setTimeout(() => channels.forEach((channel) => channel.release()), ms);
  }

  /** Cuts the link without telling the other side, like a tab that dies: only heartbeats notice. */
  vanish(): void {
    this.#vanished = true;
    for (const channel of this.channels.values()) channel.drop = true;
    if (this.#peer) {
      this.#peer.#vanished = true;
      this.#peer.channels.forEach((channel) => (channel.drop = true));
    }
  }
}

class LoopbackChannel implements Channel {
  readonly lane: LaneConfig;
  readonly params: ChannelParams;
  bufferedAmountLowThreshold = 0;
  /** While true every frame is silently lost in both directions. */
  drop = false;
  #state: ChannelState = 'open';
  #buffered = 0;
  #handlers: ChannelHandlers | undefined;
  #peer: LoopbackChannel | undefined;
  readonly #outbox: Uint8Array[] = [];
  /** Frames that arrived before the owner set its handlers, replayed to them. */
  readonly #early: Uint8Array[] = [];
  #held: Uint8Array[] | undefined;
  #flushScheduled = false;
  readonly #options: Required<LoopbackOptions>;

  constructor(lane: LaneConfig, options: Required<LoopbackOptions>) {
    this.lane = lane;
    this.#options = options;
    this.params = {
      label: lane.name,
      id: lane.id,
      negotiated: true,
      ordered: lane.ordered,
      maxRetransmits: lane.maxRetransmits ?? null,
      maxPacketLifeTime: lane.maxPacketLifeTime ?? null,
    };
  }

  get state(): ChannelState {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.#buffered;
  }

  pair(peer: LoopbackChannel): void {
    this.#peer = peer;
    peer.#peer = this;
  }

  setHandlers(handlers: ChannelHandlers): void {
    this.#handlers = handlers;
    for (const frame of this.#early.splice(0)) handlers.onMessage(frame);
  }

  send(data: Uint8Array): void {
    if (this.#state !== 'open') throw new BeckonError('not-connected', `Channel ${this.lane.name} is ${this.#state}`);
    if (data.length > this.#options.maxMessageSize) {
      throw new TypeError(`Message of ${data.length} bytes exceeds max-message-size ${this.#options.maxMessageSize}`);
    }
    // Copy, as a real channel does: the caller may reuse its buffer.
    this.#outbox.push(data.slice());
    this.#buffered += data.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setTimeout(() => this.#flush(), 0);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const lossy = this.lane.maxRetransmits !== undefined || this.lane.maxPacketLifeTime !== undefined;
    const frames = this.#outbox.splice(0);
    const before = this.#buffered;
    for (const frame of frames) {
      this.#buffered -= frame.length;
      if (this.drop || this.#state !== 'open') continue;
      if (lossy && this.#options.lossRate > 0 && this.#options.random() < this.#options.lossRate) continue;
      const peer = this.#peer;
      if (peer) peer.#deliver(frame);
    }
    if (before > this.bufferedAmountLowThreshold && this.#buffered <= this.bufferedAmountLowThreshold) {
      this.#handlers?.onBufferedAmountLow();
    }
  }

  /** Frames that arrive from now on wait until `release`, as they do for a page whose main thread is blocked. */
  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const frame of held) this.#deliver(frame);
  }

  #deliver(frame: Uint8Array): void {
    if (this.#state !== 'open') return;
    if (this.#held) this.#held.push(frame);
    else if (this.#handlers) this.#handlers.onMessage(frame);
    else this.#early.push(frame);
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#outbox.length = 0;
    this.#buffered = 0;
    this.#handlers?.onClose();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type { LoopbackLink, LoopbackChannel };
