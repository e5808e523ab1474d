import type { BeckonError } from '../errors.ts';
import type { Identity } from '../ids.ts';
import type { LaneConfig, LaneName } from '../lanes.ts';
import type { MessageType } from '../schema.ts';
import type { DeliveryResult, SessionOptions, SessionStats, TransferProgress } from '../session/index.ts';
import type { ByteStreamLimits, ByteStreamPolicy } from '../streams/index.ts';
import type { ChannelParams, Transport } from '../transport.ts';
import type { HostCredentials, Invite } from '../trust.ts';

/** Version of the control protocol; a host refuses members that speak another. */
export const protocolVersion = 3;

export type Role = 'host' | 'member' | 'observer';

export interface Participant {
  /** Stable across reloads and reconnects. */
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Host clock, ms since the Unix epoch, of the first join. */
  readonly joinedAt: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Where a received message came from and how. */
export interface MessageMeta {
  readonly type: MessageType;
  /** Participant id of the original sender (the host stamps it; members cannot forge it). */
  readonly from: string;
  /** Participant id of a single addressee, or '' for a broadcast or an action to the host. */
  readonly to: string;
  readonly lane: LaneName;
  /** Sender's clock when sent, ms since the Unix epoch. */
  readonly sentAt: number;
  readonly receivedAt: number;
  /** True when the message is the room's retained state replayed to a late joiner or a rejoin. */
  readonly replayed: boolean;
  /**
   * The host's verdict on a member's action: call it from the handler, before it returns, to refuse the action with a
   * reason the sender sees. The member's `send(...).settled` (and `request`) then fails with code `rejected` and this
   * reason instead of reporting the action delivered, and an `everyone` message is not relayed. A no-op on members,
   * for the host's own messages and for replayed state.
   */
  readonly reject: (reason: string) => void;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RoomEvents {
  /** Someone joined, or came back (`rejoined`) after a reload or a dropped connection. */
  join: { readonly participant: Participant; readonly rejoined: boolean };
  leave: { readonly participant: Participant; readonly reason: string };
  /** The participant list changed. */
  participants: readonly Participant[];
  state: ConnectionState;
  /** Every application message, after its typed handlers. */
  message: { readonly type: MessageType; readonly value: object; readonly meta: MessageMeta };
  /** A refused frame, a policy violation, a failed lane: typed, naming the peer, never thrown. */
  error: BeckonError;
  'lane-open': { readonly peer: string; readonly lane: LaneName };
  'lane-close': { readonly peer: string; readonly lane: LaneName };
  'lane-error': { readonly peer: string; readonly lane: LaneName; readonly error: BeckonError };
  'buffered-amount': { readonly peer: string; readonly lane: LaneName; readonly bufferedAmount: number; readonly queuedBytes: number };
  /** A reliable message was acknowledged by the next hop, or failed. */
  delivery: { readonly peer: string; readonly result: DeliveryResult };
  /** Progress of a chunked message; `peer` is a participant id. */
  progress: TransferProgress;
  rtt: { readonly peer: string; readonly rttMs: number };
}

export interface SendOptions {
  /** Participant id (or ids) of the recipients. Default: the host (members) or everyone (host). */
  readonly to?: string | readonly string[];
  /** Send on this lane instead of the type's lane. */
  readonly lane?: LaneName;
  /** Host only: also keep this message as room state under this key, replayed to late joiners and rejoins. */
  readonly retain?: string;
}

export interface RequestOptions extends SendOptions {
  /** How long to wait for the host's verdict. Default 10 s. */
  readonly timeoutMs?: number;
}

/** The outcome of a send: settles when every recipient's next hop acknowledged it (reliable) or it left (others). */
export interface Delivery {
  readonly lane: LaneName;
  /** Transfer id when the message was chunked, else 0; matches `progress` events. */
  readonly transfer: number;
  readonly settled: Promise<DeliveryResult>;
}

export interface RoomOptions {
  readonly transport: Transport;
  /** Application message types. Types passed to `on` or `send` are added automatically. */
  readonly types?: Iterable<MessageType>;
  readonly lanes?: readonly LaneConfig[];
  readonly session?: Partial<SessionOptions>;
  /** Limits on the byte streams this participant receives, per peer (`onByteStream`). */
  readonly streams?: Partial<ByteStreamLimits>;
  /** Display name of this participant. */
  readonly name?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface RateLimit {
  /** Sustained messages per second each member may send. */
  readonly perSecond: number;
  /** Messages a member may send in a burst. */
  readonly burst: number;
  /** A member whose frames are refused this many times within ten seconds is removed. 0 = never. */
  readonly removeAfter: number;
}

export interface JoinRequest {
  readonly participantId: string;
  readonly name: string;
  readonly role: Role;
  readonly metadata: Readonly<Record<string, string>>;
  /** Transport id of the connecting peer. */
  readonly peer: string;
}

export interface HostOptions extends RoomOptions {
  /** Room name, given to members in the welcome. */
  readonly room?: string;
  /** The host's own participant id. */
  readonly participantId?: string;
  /** Largest payload the host accepts from a member for a type without its own `max_bytes`. */
  readonly maxPayloadBytes?: number;
  readonly rateLimit?: Partial<RateLimit> | false;
  /** Decides who may join: return true, or the reason for refusing. */
  readonly admit?: (request: JoinRequest) => true | string;
  /**
   * Which byte streams members may send: to the host (`to` is the host's id) or relayed to another member. Default: to
   * the host, any topic it has an `onByteStream` handler for; to other members, none.
   */
  readonly streamPolicy?: ByteStreamPolicy;
  /** A new link must send Join within this long. */
  readonly joinTimeoutMs?: number;
  /** Most links waiting to join at once (default 32); more are turned away before they negotiate. */
  readonly maxPendingLinks?: number;
  /**
   * How long a transport id the host cut off for misbehaving (flooding before joining, removal) is turned away before
   * any negotiation (default 60 s).
   */
  readonly quarantineMs?: number;
  /**
   * The room's keys (`createHostCredentials`). With them, only members holding the invite may join, and the host
   * signs every welcome so members can tell it from a peer that took its id. Without them, anyone may join.
   */
  readonly credentials?: HostCredentials;
  /** How long reliable messages for a disconnected member are kept for it, to be delivered when it is back. */
  readonly resumeGraceMs?: number;
  /** Most reliable messages kept per member for redelivery after a reconnect. */
  readonly resumeBufferSize?: number;
  /**
   * Who may rejoin as whom, saved from a previous run with `identities()`: a host that restarts keeps refusing a
   * peer that claims someone else's participant id.
   */
  readonly identities?: readonly IdentityRecord[];
}

/** A participant and the resume token that proves it. Secret: store it like a password. */
export interface IdentityRecord {
  readonly participant: Participant;
  readonly token: string;
  /** Removed by the host: refused (with `removed`) until `readmit`. */
  readonly removed?: boolean;
}

export interface MemberOptions extends RoomOptions {
  /** Transport id of the host. */
  readonly hostId: string;
  /** Who this member is across reloads (see `loadIdentity`). Default: a new identity. */
  readonly identity?: Identity;
  readonly role?: 'member' | 'observer';
  readonly joinTimeoutMs?: number;
  /** Reconnect after the link to the host is lost. Default true. */
  readonly reconnect?: boolean;
  readonly reconnectMaxDelayMs?: number;
  /** The invite (`parseInvite`): proves this member may join, and lets it check that the host is the real one. */
  readonly invite?: Invite;
  /** Most reliable messages held while reconnecting (and unacknowledged ones) before `send` fails with `queue-full`. */
  readonly outboxSize?: number;
}

/** One link of the room (a member's to the host, or the host's to a member), for statistics and diagnostics. */
export interface LinkInfo {
  /** Transport id of the peer at the other end, as the transport saw it (not what the peer claims). */
  readonly remoteId: string;
  /** Largest message the link carries in one piece. */
  readonly maxMessageSize: number;
  /** Each lane's negotiated channel parameters. */
  readonly lanes: ReadonlyMap<LaneName, ChannelParams>;
  /** Counters of the link, live. */
  readonly stats: Readonly<SessionStats>;
}
