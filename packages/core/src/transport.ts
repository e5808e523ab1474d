import type { LaneConfig, LaneName } from './lanes.ts';

/**
 * The transport interface. The core speaks only these types and imports no transport library:
 * a transport turns "connect to peer X with these lanes" into open channels.
 */

export type ChannelState = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * What a channel tells its owner. The core sets these once, after it receives the link. Frames that arrive
 * before then must be queued and replayed to the handlers, in order: none may be lost in the hand-over.
 */
export interface ChannelHandlers {
  onOpen(): void;
  onClose(): void;
  onError(error: Error): void;
  onMessage(data: Uint8Array): void;
  onBufferedAmountLow(): void;
}

/** The parameters of a channel as the underlying implementation reports them. */
export interface ChannelParams {
  readonly label: string;
  readonly id: number | null;
  readonly negotiated: boolean;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
}

/** One lane's data channel to one peer: the small subset of RTCDataChannel the core needs. */
export interface Channel {
  readonly lane: LaneConfig;
  readonly state: ChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  /** Read back from the real channel, so tests can check what was actually negotiated. */
  readonly params: ChannelParams;
  /**
   * Sends one frame. Throws if the channel is not open or the implementation's queue is full. The bytes are lent for
   * the call only (as with RTCDataChannel.send, which copies them): the session writes small frames from a buffer it
   * reuses, so an implementation that keeps them must copy.
   */
  send(data: Uint8Array): void;
  close(): void;
  setHandlers(handlers: ChannelHandlers): void;
}

/** A connection to one remote peer carrying one channel per lane (one RTCPeerConnection in WebRTC). */
export interface Link {
  /** The transport-level id of the remote peer (for PeerJS, its peer id). */
  readonly remoteId: string;
  /** Largest frame the link carries in one message (SCTP max-message-size). */
  readonly maxMessageSize: number;
  readonly channels: ReadonlyMap<LaneName, Channel>;
  /** Called once when the link is gone: closed by either side, or failed. */
  onClose(callback: (reason: string) => void): void;
  close(): void;
}

export interface ConnectOptions {
  readonly lanes: readonly LaneConfig[];
  /** Give up after this long. */
  readonly timeoutMs?: number;
}

export interface ListenOptions {
  readonly lanes: readonly LaneConfig[];
  /**
   * Asked for each incoming connection before any negotiation; false turns it away at once, so a peer the host
   * already knows to be hostile costs it no ICE, DTLS or SCTP work.
   */
  readonly accept?: (remoteId: string) => boolean;
}

/** Connects this peer to others. One instance per local peer. */
export interface Transport {
  /** This peer's transport-level id. */
  readonly localId: string;
  /** Accepts incoming links; `onLink` receives each link once all its lanes are open. */
  listen(options: ListenOptions, onLink: (link: Link) => void): void;
  /** Opens a link to `remoteId`; resolves once all lanes are open. */
  connect(remoteId: string, options: ConnectOptions): Promise<Link>;
  /** Closes every link and releases the local peer. */
  close(): Promise<void>;
}
