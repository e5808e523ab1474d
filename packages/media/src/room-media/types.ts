import type { BeckonError, HostRoom, MemberRoom, Transport } from '@beckon/core';
import type { MediaCall, MediaPeerLike } from '../calls.ts';

export type MediaMode = 'stage' | 'mesh';

/** How media travels: PeerJS calls between participants, or one upload each to a Janus SFU. */
export type MediaTopology = 'p2p' | 'sfu';

/** What the host asks for: `auto` is p2p in small rooms and the SFU from `autoSfuAt` participants on. */
export type MediaTopologyChoice = MediaTopology | 'auto';

/**
 * The room size at which `auto` switches to the SFU: with 5 others a p2p publisher already uploads 5 copies
 * (about 4 Mbit/s at 640×480) and encodes 5 times; through the SFU it uploads one simulcast stream (see
 * docs/video.md and `pnpm bench media-scale`). It switches back below `autoSfuAt - 2`, so a flapping
 * participant does not flap the topology.
 */
export const defaultAutoSfuAt = 6;

/** One participant's media switches as the host last heard them. */
export interface PeerMediaState {
  readonly participantId: string;
  /** Transport (PeerJS) id: who to call and whose calls to accept. */
  readonly peerId: string;
  readonly mic: boolean;
  readonly camera: boolean;
  readonly hasMic: boolean;
  readonly hasCamera: boolean;
  /** Why the participant has no local media, '' when fine. */
  readonly error: string;
  /** Its Janus feed in the SFU topology, 0 when none. */
  readonly sfuFeed: number;
}

/** The host's decision about media in the room, as every participant sees it. */
export interface MediaRosterView {
  readonly mode: MediaMode;
  /** Participants present, in the host's order (the host first). */
  readonly peers: ReadonlyMap<string, PeerMediaState>;
  readonly stage: readonly string[];
  readonly invited: readonly string[];
  readonly requests: readonly string[];
  readonly version: number;
  readonly topology: MediaTopology;
}

/** A stream received from another participant over its own media call. */
export interface RemoteMedia {
  readonly participantId: string;
  /** Undefined until the call's first track arrives. */
  readonly stream: MediaStream | undefined;
  /** A PeerJS call, or (via 'sfu') a stand-in for the SFU subscription whose `peerConnection` is Janus's. */
  readonly call: MediaCall;
  readonly via: MediaTopology;
}

/** What a video grid shows for one publishing participant. */
export interface MediaTile {
  readonly participantId: string;
  readonly name: string;
  readonly self: boolean;
  readonly host: boolean;
  /** A member on stage (in stage mode). */
  readonly onStage: boolean;
  readonly stream: MediaStream | undefined;
  readonly mic: boolean;
  readonly camera: boolean;
  readonly hasMic: boolean;
  readonly hasCamera: boolean;
  readonly error: string;
}

/** Video statistics of a received stream, from its call's `getStats()`. */
export interface ReceiveStats {
  readonly framesDecoded: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly bytesReceived: number;
}

/** One encoded video stream this participant sends (a p2p call's, or one simulcast layer). */
export interface SendLayer {
  readonly rid: string;
  readonly frameWidth: number;
  readonly bytesSent: number;
  /** getStats' qualityLimitationReason: 'cpu', 'bandwidth', 'none'. */
  readonly limitation: string;
}

export interface SendStats {
  /** Peer connections that upload media: one per receiver p2p, one through the SFU. */
  readonly connections: number;
  /** Bytes sent on them so far (audio and video, RTP payload and headers as getStats counts them). */
  readonly bytesSent: number;
  readonly layers: readonly SendLayer[];
  /** Per connection (ids stable for a connection's life): a call re-made between two samples starts from 0 again. */
  readonly perConnection: readonly { readonly id: number; readonly bytesSent: number }[];
}


export interface RoomMediaEvents {
  /** Anything a view shows changed: the roster, a remote stream, the local switches. */
  change: undefined;
  /** A remote stream arrived (`stream` set) or went away (`stream` undefined). */
  remote: { readonly participantId: string; readonly stream: MediaStream | undefined };
  /** The host invites this member on stage; answer with `answerInvite`. */
  invite: { readonly fromName: string };
  /** Host: a member's stage action that the host refused (for example accepting an invite it never had). */
  refused: BeckonError;
  /** Host: no SFU room (the server has no SFU, or it is down): media stays peer-to-peer. */
  sfuError: BeckonError;
}

export interface RoomMediaOptions {
  readonly room: HostRoom | MemberRoom;
  /** The PeerJS peer to call with (`transport.peer`). Without it (nor `transport`): roster and control only (a Node host). */
  readonly peer?: MediaPeerLike | undefined;
  /**
   * Or the room's transport (`room.transport`): a `PeerJsTransport` (@beckon/peerjs) brings its peer; any other
   * (loopback, a Node host's) has none, so roster and control only. `peer` wins when both are given.
   */
  readonly transport?: (Transport & { readonly peer?: MediaPeerLike }) | undefined;
  /** Host only: who publishes. Default 'stage'. */
  readonly mode?: MediaMode;
  readonly audio?: boolean | MediaTrackConstraints;
  /** Default 640×480. */
  readonly video?: boolean | MediaTrackConstraints;
  readonly getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** Host: how long a member who dropped out keeps its place on stage, waiting for a rejoin. Default 30 s. */
  readonly stageGraceMs?: number;
  /** First delay before re-calling after a call dropped; doubles up to 10 s. Default 1 s. */
  readonly retryMs?: number;
  /** How long an incoming call from someone not (yet) allowed to publish waits for the roster. Default 5 s. */
  readonly pendingCallMs?: number;
  /** An outgoing call that has not connected by then is closed and tried again. Default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Host: 'p2p' (default), 'sfu', or 'auto' (the SFU from `autoSfuAt` participants on). */
  readonly topology?: MediaTopologyChoice;
  /** Host: where to get an SFU room, `POST` (beckon serve --sfu: `${server}/sfu/rooms`). */
  readonly sfuRooms?: string;
  /** Host: participants (the host included) from which `auto` uses the SFU. Default `defaultAutoSfuAt`. */
  readonly autoSfuAt?: number;
  /** ICE servers (TURN) and policy for the SFU's peer connections. */
  readonly rtcConfiguration?: RTCConfiguration;
}
