import { BeckonError, Emitter } from '@beckon/core';
import type { HostRoom, MemberRoom, MessageInit, MessageMeta, MessageType } from '@beckon/core';
import { callTag, isMediaCall, peerMetadataKey } from './calls.ts';
import type { MediaCall, MediaPeerLike } from './calls.ts';
import { captureLocalMedia } from './devices.ts';
import type { LocalMedia } from './devices.ts';
import {
  AnswerStageInvite,
  LeaveStage,
  MediaMode as MediaModeValue,
  MediaRoster,
  MediaTopology as MediaTopologyValue,
  messageTypes,
  SfuGrant,
  RequestStage,
  SetMediaStatus,
  StageInvite,
} from './gen/media.ts';
import type { MediaPeer } from './gen/media.ts';
import { SfuHost } from './sfu/sfu-host.ts';
import { SfuLink } from './sfu/sfu-link.ts';
import type { SfuPass } from './sfu/sfu-link.ts';
import type { SfuSubscriber } from './sfu/videoroom.ts';

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

const connectionIds = new WeakMap<RTCPeerConnection, number>();
let lastConnectionId = 0;

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
  /** The PeerJS peer of the room's transport (`transport.peer`). Without it: roster and control only (a Node host). */
  readonly peer?: MediaPeerLike | undefined;
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

/** The roster is room state: replayed to late joiners and reloads under this key. */
const rosterKey = 'beckon.media.roster';
const maxRetryMs = 10_000;
const modeNames: Record<number, MediaMode> = { [MediaModeValue.STAGE]: 'stage', [MediaModeValue.MESH]: 'mesh' };
const modeValues: Record<MediaMode, MediaModeValue> = { stage: MediaModeValue.STAGE, mesh: MediaModeValue.MESH };

interface Outgoing {
  readonly call: MediaCall;
  readonly peerId: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Pending {
  readonly call: MediaCall;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** What only the host keeps: the authoritative roster. */
interface Authority {
  mode: MediaMode;
  readonly peers: Map<string, MediaPeer>;
  stage: string[];
  readonly invited: Set<string>;
  readonly requests: Set<string>;
  version: number;
  /** Stage members who dropped out, removed from the stage unless they rejoin in time. */
  readonly grace: Map<string, ReturnType<typeof setTimeout>>;
  topology: MediaTopology;
  readonly sfu: SfuHost;
}

/**
 * Live audio and video in a Beckon room. The host decides who publishes (the roster, a retained event on the
 * reliable lane); each publisher calls every other participant with a PeerJS media call of its own, and each
 * receiver accepts calls only from participants the roster lets publish.
 */
export class RoomMedia {
  readonly room: HostRoom | MemberRoom;
  readonly events = new Emitter<RoomMediaEvents>();
  readonly #peer: MediaPeerLike | undefined;
  readonly #options: RoomMediaOptions;
  readonly #authority: Authority | undefined;
  #roster: MediaRosterView | undefined;
  #local: LocalMedia = { stream: undefined, hasMic: false, hasCamera: false, error: '' };
  #mic = false;
  #camera = false;
  #started = false;
  #closed = false;
  #invite: { fromName: string } | undefined;
  readonly #remotes = new Map<string, RemoteMedia>();
  readonly #outgoing = new Map<string, Outgoing>();
  readonly #pending = new Set<Pending>();
  /** Per target: failed attempts in a row, and when the next may start. */
  readonly #backoff = new Map<string, { attempts: number; until: number }>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #off: (() => void)[] = [];
  readonly #sfu: SfuLink;

  constructor(options: RoomMediaOptions) {
    this.room = options.room;
    this.#peer = options.peer;
    this.#options = options;
    this.#sfu = new SfuLink({
      display: options.room.selfId,
      rtc: options.rtcConfiguration,
      onRemote: (id, subscriber) => this.#onSfuRemote(id, subscriber),
      onPublishEnded: () => this.#changed(),
    });
    const room = options.room;
    for (const type of messageTypes) room.registry.add(type);
    if (room.isHost) {
      this.#authority = { mode: options.mode ?? 'stage', peers: new Map(), stage: [], invited: new Set(), requests: new Set(), version: 0, grace: new Map(), topology: 'p2p', sfu: this.#sfuHost(options) };
      this.#listenAsHost(room);
    } else {
      this.#listenAsMember(room);
    }
    if (this.#peer) {
      const onCall = (call: MediaCall): void => this.#onCall(call);
      this.#peer.on('call', onCall);
      this.#off.push(() => this.#peer?.off('call', onCall));
    }
    this.#off.push(room.on('participants', () => this.#changed()));
  }

  get isHost(): boolean {
    return this.room.isHost;
  }

  get selfId(): string {
    return this.room.selfId;
  }

  /** Participant id of the host. */
  get hostId(): string {
    return this.room.isHost ? this.room.selfId : this.room.hostId;
  }

  get roster(): MediaRosterView | undefined {
    return this.#roster;
  }

  /** How media travels now, as the host decided. */
  get topology(): MediaTopology {
    return this.#roster?.topology ?? 'p2p';
  }

  /** The SFU simulcast layer received from `participantId` (0 = smallest), undefined without an SFU subscription. */
  sfuLayer(participantId: string): number | undefined {
    return this.#sfu.subscriber(participantId)?.substream;
  }

  /** This participant's pass into the SFU room (from the host), undefined without one. */
  get sfuPass(): SfuPass | undefined {
    return this.#sfu.pass;
  }

  /** A grid tells media how wide (device pixels) it shows a participant: through the SFU, the layer that fits. */
  setTileSize(participantId: string, width: number): void {
    this.#sfu.setTileWidth(participantId, width);
  }

  get mode(): MediaMode {
    return this.#roster?.mode ?? this.#authority?.mode ?? 'stage';
  }

  /** The local camera/microphone stream, once `start` got one. */
  get localStream(): MediaStream | undefined {
    return this.#local.stream;
  }

  /** Local devices and switches; `error` is the message to show when there is no local media. */
  get local(): { readonly mic: boolean; readonly camera: boolean; readonly hasMic: boolean; readonly hasCamera: boolean; readonly error: string; readonly started: boolean } {
    return { mic: this.#mic, camera: this.#camera, hasMic: this.#local.hasMic, hasCamera: this.#local.hasCamera, error: this.#local.error, started: this.#started };
  }

  get remotes(): ReadonlyMap<string, RemoteMedia> {
    return this.#remotes;
  }

  /** A pending stage invite for this member. */
  get invite(): { readonly fromName: string } | undefined {
    return this.#roster?.invited.includes(this.selfId) ? (this.#invite ?? { fromName: this.#nameOf(this.hostId) }) : undefined;
  }

  get onStage(): boolean {
    return this.#roster?.stage.includes(this.selfId) ?? false;
  }

  get stageRequested(): boolean {
    return this.#roster?.requests.includes(this.selfId) ?? false;
  }

  /** Who the roster lets publish: everyone in mesh mode; the host and the stage in stage mode. */
  get publishers(): readonly string[] {
    const roster = this.#roster;
    if (!roster) return [];
    if (roster.mode === 'mesh') return [...roster.peers.keys()];
    return [this.hostId, ...roster.stage.filter((id) => id !== this.hostId)].filter((id) => roster.peers.has(id));
  }

  /** The tiles a grid shows: the publishers, with their names, streams and switches. */
  get tiles(): readonly MediaTile[] {
    const roster = this.#roster;
    if (!roster) return [];
    return this.publishers.map((id) => {
      const state = roster.peers.get(id);
      const self = id === this.selfId;
      return {
        participantId: id,
        name: this.#nameOf(id),
        self,
        host: id === this.hostId,
        onStage: roster.mode === 'stage' && roster.stage.includes(id),
        stream: self ? this.#local.stream : this.#remotes.get(id)?.stream,
        mic: self ? this.#mic : (state?.mic ?? false),
        camera: self ? this.#camera : (state?.camera ?? false),
        hasMic: self ? this.#local.hasMic : (state?.hasMic ?? false),
        hasCamera: self ? this.#local.hasCamera : (state?.hasCamera ?? false),
        error: self ? this.#local.error : (state?.error ?? ''),
      };
    });
  }

  /**
   * Opens the camera and microphone and starts publishing whenever the roster allows it. Never throws for
   * missing devices or denied permission: `local.error` says why, and the room carries on with data only.
   */
  async start(): Promise<void> {
    if (this.#closed) throw new BeckonError('closed', 'media is closed');
    if (this.#started) return;
    this.#started = true;
    if (this.#peer) {
      this.#local = await captureLocalMedia({
        audio: this.#options.audio ?? true,
        video: this.#options.video ?? { width: 640, height: 480 },
        getUserMedia: this.#options.getUserMedia,
      });
      if (this.#closed) {
        stopTracks(this.#local.stream);
        return;
      }
    } else {
      this.#local = { stream: undefined, hasMic: false, hasCamera: false, error: 'No media transport: data only.' };
    }
    this.#mic = this.#local.hasMic;
    this.#camera = this.#local.hasCamera;
    this.#sendStatus();
    this.#reconcile();
    this.#changed();
  }

  /** Mutes or unmutes the microphone (the track keeps running, silent: no renegotiation) and tells everyone. */
  setMic(on: boolean): void {
    if (!this.#local.hasMic) return;
    this.#mic = on;
    for (const track of this.#local.stream?.getAudioTracks() ?? []) track.enabled = on;
    this.#sendStatus();
    this.#changed();
  }

  /** Turns the camera on or off (black frames while off) and tells everyone. */
  setCamera(on: boolean): void {
    if (!this.#local.hasCamera) return;
    this.#camera = on;
    for (const track of this.#local.stream?.getVideoTracks() ?? []) track.enabled = on;
    this.#sendStatus();
    this.#changed();
  }

  /** Stops publishing and releases the devices; remote streams keep playing. `start` again to publish. */
  stop(): void {
    for (const id of [...this.#outgoing.keys()]) this.#hangUp(id);
    stopTracks(this.#local.stream);
    this.#local = { stream: undefined, hasMic: false, hasCamera: false, error: '' };
    this.#mic = false;
    this.#camera = false;
    this.#started = false;
    this.#sendStatus();
    this.#changed();
  }

  /** Ends every call and releases the devices. The room itself stays open. */
  close(): void {
    if (this.#closed) return;
    this.stop();
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    for (const off of this.#off.splice(0)) off();
    for (const id of [...this.#remotes.keys()]) this.#dropRemote(id);
    for (const pending of this.#pending) {
      clearTimeout(pending.timer);
      pending.call.close();
    }
    this.#pending.clear();
    for (const timer of this.#authority?.grace.values() ?? []) clearTimeout(timer);
    this.#sfu.close();
    this.#authority?.sfu.close();
  }

  /**
   * What this participant uploads: every outgoing p2p call plus the SFU publication, from getStats. Proof of
   * the SFU's point (one upload whatever the room size) and what `pnpm bench media-scale` measures.
   */
  async sendStats(): Promise<SendStats> {
    const connections = [...this.#outgoing.values()].map((outgoing) => outgoing.call.peerConnection).filter((pc): pc is RTCPeerConnection => !!pc);
    const publisher = this.#sfu.publisher?.pc;
    if (publisher) connections.push(publisher);
    const result: { connections: number; bytesSent: number; layers: SendLayer[]; perConnection: { id: number; bytesSent: number }[] } = { connections: connections.length, bytesSent: 0, layers: [], perConnection: [] };
    for (const pc of connections) {
      const report = await pc.getStats();
      let id = connectionIds.get(pc);
      if (id === undefined) connectionIds.set(pc, (id = ++lastConnectionId));
      const own = { id, bytesSent: 0 };
      result.perConnection.push(own);
      report.forEach((entry: { type?: string; kind?: string; rid?: string; bytesSent?: number; frameWidth?: number; qualityLimitationReason?: string }) => {
        if (entry.type !== 'outbound-rtp') return;
        result.bytesSent += entry.bytesSent ?? 0;
        own.bytesSent += entry.bytesSent ?? 0;
        if (entry.kind === 'video') result.layers.push({ rid: entry.rid ?? '', frameWidth: entry.frameWidth ?? 0, bytesSent: entry.bytesSent ?? 0, limitation: entry.qualityLimitationReason ?? '' });
      });
    }
    return result;
  }

  /** Video statistics of the stream received from `participantId`: proof that frames are decoded, not only a track. */
  async receiveStats(participantId: string): Promise<ReceiveStats | undefined> {
    const pc = this.#remotes.get(participantId)?.call.peerConnection;
    if (!pc) return undefined;
    const stats: ReceiveStats = { framesDecoded: 0, frameWidth: 0, frameHeight: 0, bytesReceived: 0 };
    const report = await pc.getStats();
    let found: ReceiveStats | undefined;
    report.forEach((entry: { type?: string; kind?: string; framesDecoded?: number; frameWidth?: number; frameHeight?: number; bytesReceived?: number }) => {
      if (entry.type !== 'inbound-rtp' || entry.kind !== 'video') return;
      found = {
        framesDecoded: entry.framesDecoded ?? 0,
        frameWidth: entry.frameWidth ?? 0,
        frameHeight: entry.frameHeight ?? 0,
        bytesReceived: entry.bytesReceived ?? 0,
      };
    });
    return found ?? stats;
  }

  // ---- Stage: member actions ----

  /** Member: ask the host to go on stage (or withdraw the request). */
  requestStage(raised = true): void {
    this.#memberSend(RequestStage, { raised });
  }

  /** Member: answer the host's invite. */
  answerInvite(accept: boolean): void {
    this.#invite = undefined;
    this.#memberSend(AnswerStageInvite, { accept });
  }

  /** Member: step off the stage. */
  leaveStage(): void {
    this.#memberSend(LeaveStage, {});
  }

  // ---- Stage: host decisions ----

  /** Host: invite a member on stage; the member goes on stage when it accepts. */
  inviteToStage(participantId: string): void {
    const authority = this.#requireHost('invite to the stage');
    if (!authority.peers.has(participantId) || participantId === this.selfId || authority.stage.includes(participantId)) return;
    authority.invited.add(participantId);
    (this.room as HostRoom).send(StageInvite, { fromName: this.#nameOf(this.selfId) }, { to: participantId });
    this.#publish();
  }

  /** Host: put a member who asked (`requestStage`) on stage. Returns false when it had not asked. */
  acceptStageRequest(participantId: string): boolean {
    const authority = this.#requireHost('accept a stage request');
    if (!authority.requests.delete(participantId)) return false;
    authority.invited.delete(participantId);
    if (!authority.stage.includes(participantId)) authority.stage.push(participantId);
    this.#publish();
    return true;
  }

  /** Host: take a member off the stage (or cancel its invite or request); its stream stops everywhere. */
  endStage(participantId: string): void {
    const authority = this.#requireHost('end a stage');
    authority.stage = authority.stage.filter((id) => id !== participantId);
    authority.invited.delete(participantId);
    authority.requests.delete(participantId);
    clearTimeout(authority.grace.get(participantId));
    authority.grace.delete(participantId);
    this.#publish();
  }

  /** Host: switch between the classroom stage and the game mesh. */
  setMode(mode: MediaMode): void {
    const authority = this.#requireHost('change the media mode');
    if (authority.mode === mode) return;
    authority.mode = mode;
    this.#publish();
  }

  // ---- Host: the roster ----

  #sfuHost(options: RoomMediaOptions): SfuHost {
    return new SfuHost({
      choice: options.topology ?? 'p2p',
      threshold: options.autoSfuAt ?? defaultAutoSfuAt,
      rooms: options.sfuRooms,
      onRoom: () => this.#publish(),
      onError: (error) => this.events.emit('sfuError', error),
      sendPass: (id, pass) => {
        try {
          (this.room as HostRoom).send(SfuGrant, pass, { to: id });
          return true;
        } catch {
          return false;
        }
      },
    });
  }

  #requireHost(what: string): Authority {
    if (!this.#authority) throw new BeckonError('policy-violation', `Only the host may ${what}`);
    return this.#authority;
  }

  #listenAsHost(room: HostRoom): void {
    const authority = this.#authority!;
    authority.peers.set(room.selfId, this.#peerEntry(room.selfId, this.#peer?.id ?? room.transport.localId, undefined));
    for (const participant of room.participants) {
      if (participant.id !== room.selfId) authority.peers.set(participant.id, this.#peerEntry(participant.id, this.#verifiedPeer(room, participant.id), undefined));
    }
    this.#off.push(
      room.on('join', ({ participant }) => {
        // A reload comes back with a new transport id: calls go to the new one.
        authority.peers.set(participant.id, this.#peerEntry(participant.id, this.#verifiedPeer(room, participant.id), authority.peers.get(participant.id)));
        // A rejoin (a reload) lost its pass: it goes out again.
        authority.sfu.forget(participant.id);
        clearTimeout(authority.grace.get(participant.id));
        authority.grace.delete(participant.id);
        this.#publish();
      }),
      room.on('leave', ({ participant }) => {
        const id = participant.id;
        authority.peers.delete(id);
        authority.invited.delete(id);
        authority.requests.delete(id);
        if (authority.stage.includes(id)) {
          // Keep the place for a reload or a dropped link; give it up if the member does not come back.
          const timer = setTimeout(() => {
            authority.grace.delete(id);
            if (authority.peers.has(id)) return;
            authority.stage = authority.stage.filter((other) => other !== id);
            this.#publish();
          }, this.#options.stageGraceMs ?? 30_000);
          authority.grace.set(id, timer);
        }
        this.#publish();
      }),
      room.on(SetMediaStatus, (status, meta) => {
        const previous = authority.peers.get(meta.from);
        if (!previous) return;
        authority.peers.set(meta.from, { ...previous, mic: status.mic, camera: status.camera, hasMic: status.hasMic, hasCamera: status.hasCamera, error: status.error.slice(0, 300) });
        this.#publish();
      }),
      room.on(RequestStage, ({ raised }, meta) => {
        if (!authority.peers.has(meta.from) || authority.stage.includes(meta.from)) return;
        if (raised) authority.requests.add(meta.from);
        else authority.requests.delete(meta.from);
        this.#publish();
      }),
      room.on(AnswerStageInvite, ({ accept }, meta) => {
        // Only the host puts anyone on stage: accepting counts only for an invite the host made.
        if (!authority.invited.delete(meta.from)) {
          this.#refuse(meta, 'accepted a stage invite it never had');
          return;
        }
        if (accept && !authority.stage.includes(meta.from)) {
          authority.stage.push(meta.from);
          authority.requests.delete(meta.from);
        }
        this.#publish();
      }),
      room.on(LeaveStage, (_value, meta) => {
        authority.stage = authority.stage.filter((id) => id !== meta.from);
        this.#publish();
      }),
    );
    this.#publish();
  }

  #refuse(meta: MessageMeta, what: string): void {
    this.events.emit('refused', new BeckonError('policy-violation', `${this.#nameOf(meta.from)} (${meta.from}) ${what}`, { peer: meta.from, messageType: meta.type.name }));
  }

  /** The transport id the member joined on, which it cannot forge; its metadata's claim is only a fallback. */
  #verifiedPeer(room: HostRoom, participantId: string): string {
    return room.link(participantId)?.remoteId ?? room.participant(participantId)?.metadata[peerMetadataKey] ?? '';
  }

  #peerEntry(participantId: string, peerId: string, previous: MediaPeer | undefined): MediaPeer {
    return previous
      ? { ...previous, peerId }
      : { participantId, peerId, mic: false, camera: false, hasMic: false, hasCamera: false, error: '', sfuFeed: 0 };
  }

  /** Sends the roster to everyone (retained for late joiners) and applies it here. */
  #publish(): void {
    const authority = this.#authority;
    if (!authority || this.#closed) return;
    authority.version += 1;
    this.#decideTopology(authority);
    const self = authority.peers.get(this.selfId);
    if (self) {
      authority.peers.set(this.selfId, { ...self, mic: this.#mic, camera: this.#camera, hasMic: this.#local.hasMic, hasCamera: this.#local.hasCamera, error: this.#local.error });
    }
    const roster: MessageInit<MediaRoster> = {
      mode: modeValues[authority.mode],
      peers: [...authority.peers.values()],
      stage: [...authority.stage],
      invited: [...authority.invited],
      requests: [...authority.requests],
      version: authority.version,
      topology: authority.topology === 'sfu' ? MediaTopologyValue.SFU : MediaTopologyValue.P2P,
    };
    const room = this.room as HostRoom;
    if (room.state === 'open') room.send(MediaRoster, roster, { retain: rosterKey });
    this.#applyRoster(MediaRoster.decode(MediaRoster.encode(roster)));
  }

  /** Host: p2p or SFU now, and (SFU) each participant's feed id and the host's own pass. */
  #decideTopology(authority: Authority): void {
    const publishers = new Set(authority.mode === 'mesh' ? authority.peers.keys() : authority.stage.filter((id) => authority.peers.has(id)));
    const decision = authority.sfu.decide(this.selfId, [...authority.peers.keys()], publishers);
    authority.topology = decision.topology;
    for (const [id, peer] of authority.peers) {
      const feed = decision.feedOf(id);
      if (peer.sfuFeed !== feed) authority.peers.set(id, { ...peer, sfuFeed: feed });
    }
    if (decision.hostPass) this.#sfu.setPass(decision.hostPass);
  }

  #onSfuRemote(id: string, subscriber: SfuSubscriber | undefined): void {
    const previous = this.#remotes.get(id);
    if (!subscriber) {
      if (previous?.via !== 'sfu') return;
      this.#remotes.delete(id);
      this.events.emit('remote', { participantId: id, stream: undefined });
      this.#changed();
      return;
    }
    if (previous?.via === 'sfu' && previous.call.peerConnection === subscriber.pc && previous.stream === subscriber.stream) return;
    if (previous?.via === 'p2p') previous.call.close();
    const peerId = this.#roster?.peers.get(id)?.peerId ?? '';
    const call: MediaCall = {
      peer: peerId,
      metadata: { [callTag]: id, via: 'sfu' },
      peerConnection: subscriber.pc,
      answer: () => {},
      close: () => subscriber.close(),
      on: () => undefined,
    };
    this.#remotes.set(id, { participantId: id, stream: subscriber.stream, call, via: 'sfu' });
    this.events.emit('remote', { participantId: id, stream: subscriber.stream });
    this.#changed();
  }

  // ---- Members ----

  #listenAsMember(room: MemberRoom): void {
    this.#off.push(
      // In order on the reliable lane, and the copy replayed on a rejoin is the current one: apply each as it comes.
      room.on(MediaRoster, (roster) => this.#applyRoster(roster)),
      room.on(SfuGrant, (grant) => this.#sfu.setPass(grant.url === '' ? undefined : { ...grant })),
      room.on(StageInvite, ({ fromName }) => {
        this.#invite = { fromName };
        this.events.emit('invite', { fromName });
        this.#changed();
      }),
      room.on('state', (state) => {
        // After a reconnect the host may have restarted: tell it our switches again.
        if (state === 'open') this.#sendStatus();
      }),
    );
  }

  #memberSend<T extends object>(type: MessageType<T>, value: MessageInit<T>): void {
    if (this.room.isHost) throw new BeckonError('policy-violation', `The host does not send ${type.name}; it decides directly`);
    this.room.send(type, value);
  }

  #sendStatus(): void {
    if (this.#closed) return;
    if (this.room.isHost) {
      this.#publish();
      return;
    }
    if (this.room.state !== 'open') return;
    try {
      this.room.send(SetMediaStatus, { mic: this.#mic, camera: this.#camera, hasMic: this.#local.hasMic, hasCamera: this.#local.hasCamera, error: this.#local.error });
    } catch {
      // Not connected: sent again once the room is open.
    }
  }

  #applyRoster(message: MediaRoster): void {
    const peers = new Map<string, PeerMediaState>();
    for (const peer of message.peers) peers.set(peer.participantId, { ...peer });
    this.#roster = {
      mode: modeNames[message.mode] ?? 'stage',
      peers,
      stage: [...message.stage],
      invited: [...message.invited],
      requests: [...message.requests],
      version: message.version,
      topology: message.topology === MediaTopologyValue.SFU ? 'sfu' : 'p2p',
    };
    if (!this.#roster.invited.includes(this.selfId)) this.#invite = undefined;
    this.#reconcile();
    this.#changed();
  }

  // ---- Calls ----

  /** Brings the calls in line with the roster: call whom we should, hang up on and refuse the rest. */
  #reconcile(): void {
    const peer = this.#peer;
    const roster = this.#roster;
    if (!peer || !roster || this.#closed) return;
    const publishers = new Set(this.publishers);
    const stream = this.#local.stream;
    const targets = new Map<string, string>();
    const viaSfu = roster.topology === 'sfu';
    const feeds = new Map<string, number>();
    if (viaSfu) {
      for (const id of publishers) {
        const feed = roster.peers.get(id)?.sfuFeed ?? 0;
        if (id !== this.selfId && feed !== 0) feeds.set(id, feed);
      }
    }
    this.#sfu.sync({ publish: viaSfu && publishers.has(this.selfId) ? stream : undefined, feeds });
    if (stream && publishers.has(this.selfId) && !viaSfu) {
      for (const state of roster.peers.values()) {
        if (state.participantId !== this.selfId && state.peerId !== '') targets.set(state.participantId, state.peerId);
      }
    }
    for (const [id, outgoing] of this.#outgoing) {
      if (targets.get(id) !== outgoing.peerId) this.#hangUp(id);
    }
    for (const id of this.#backoff.keys()) if (!targets.has(id)) this.#backoff.delete(id);
    const now = Date.now();
    let nextRetry = Number.POSITIVE_INFINITY;
    for (const [id, peerId] of targets) {
      if (this.#outgoing.has(id) || !stream) continue;
      const backoff = this.#backoff.get(id);
      if (backoff && backoff.until > now) {
        nextRetry = Math.min(nextRetry, backoff.until);
        continue;
      }
      this.#callOut(peer, id, peerId, stream);
    }
    if (nextRetry !== Number.POSITIVE_INFINITY) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => this.#reconcile(), nextRetry - now + 5);
    }
    for (const [id, remote] of this.#remotes) {
      // The SFU link looks after its own subscriptions (sync above); p2p calls stop once the SFU carries media.
      if (remote.via === 'sfu') continue;
      if (viaSfu || !publishers.has(id) || roster.peers.get(id)?.peerId !== remote.call.peer) this.#dropRemote(id);
    }
    for (const pending of [...this.#pending]) {
      if (this.#answer(pending.call)) {
        clearTimeout(pending.timer);
        this.#pending.delete(pending);
      }
    }
  }

  #callOut(peer: MediaPeerLike, id: string, peerId: string, stream: MediaStream): void {
    const call = peer.call(peerId, stream, { metadata: { [callTag]: this.selfId } });
    if (!call) {
      this.#failed(id);
      return;
    }
    const outgoing: Outgoing = { call, peerId, timer: undefined };
    this.#outgoing.set(id, outgoing);
    const ended = (): void => {
      if (this.#outgoing.get(id) !== outgoing) return;
      clearTimeout(outgoing.timer);
      this.#outgoing.delete(id);
      this.#failed(id);
    };
    call.on('close', ended);
    call.on('error', ended);
    // PeerJS does not report a call to a peer that is gone: give up on one that never connects, and try again.
    outgoing.timer = setTimeout(() => {
      if (call.peerConnection?.connectionState !== 'connected') call.close();
    }, this.#options.connectTimeoutMs ?? 15_000);
    watchConnection(call, () => this.#backoff.delete(id));
  }

  /** An outgoing call ended or could not start: try again later while the target is still one. */
  #failed(id: string): void {
    if (this.#closed) return;
    const previous = this.#backoff.get(id);
    const attempts = (previous?.attempts ?? 0) + 1;
    const delay = Math.min(maxRetryMs, (this.#options.retryMs ?? 1000) * 2 ** (attempts - 1));
    this.#backoff.set(id, { attempts, until: Date.now() + delay });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#reconcile(), delay + 5);
  }

  #hangUp(id: string): void {
    const outgoing = this.#outgoing.get(id);
    if (!outgoing) return;
    this.#outgoing.delete(id);
    clearTimeout(outgoing.timer);
    outgoing.call.close();
  }

  #onCall(call: MediaCall): void {
    if (!isMediaCall(call) || this.#closed) return;
    if (this.#answer(call)) return;
    // The roster that allows this caller may still be on its way: wait for it a little.
    const pending: Pending = {
      call,
      timer: setTimeout(() => {
        this.#pending.delete(pending);
        call.close();
      }, this.#options.pendingCallMs ?? 5000),
    };
    this.#pending.add(pending);
  }

  /** Answers a call from a participant the roster lets publish. Returns false to keep it waiting. */
  #answer(call: MediaCall): boolean {
    const roster = this.#roster;
    if (!roster) return false;
    if (roster.topology === 'sfu') {
      // Media goes through the SFU now: a p2p call is a late one from before the switch.
      call.close();
      return true;
    }
    let id: string | undefined;
    for (const state of roster.peers.values()) if (state.peerId === call.peer) id = state.participantId;
    if (id === undefined || !this.publishers.includes(id)) return false;
    const claimed = (call.metadata as Record<string, unknown>)[callTag];
    if (claimed !== id) {
      // The roster (from the host) is the authority on who a transport id is.
      call.close();
      return true;
    }
    const previous = this.#remotes.get(id);
    const remote: { participantId: string; stream: MediaStream | undefined; call: MediaCall; via: MediaTopology } = { participantId: id, stream: undefined, call, via: 'p2p' };
    this.#remotes.set(id, remote);
    // A new call from the same publisher (it reloaded, or its last call dropped) replaces the old one.
    previous?.call.close();
    const participantId = id;
    call.on('stream', (stream) => {
      if (this.#remotes.get(participantId) !== remote || remote.stream === stream) return;
      remote.stream = stream;
      this.events.emit('remote', { participantId, stream });
      this.#changed();
    });
    const ended = (): void => {
      if (this.#remotes.get(participantId) !== remote) return;
      this.#remotes.delete(participantId);
      this.events.emit('remote', { participantId, stream: undefined });
      this.#changed();
    };
    call.on('close', ended);
    call.on('error', ended);
    call.answer();
    watchConnection(call, () => {});
    if (previous?.stream) this.#changed();
    return true;
  }

  #dropRemote(id: string): void {
    const remote = this.#remotes.get(id);
    if (!remote) return;
    this.#remotes.delete(id);
    remote.call.close();
    this.events.emit('remote', { participantId: id, stream: undefined });
  }

  #nameOf(id: string): string {
    return this.room.participant(id)?.name ?? (id === this.hostId ? 'Host' : 'Guest');
  }

  #changed(): void {
    if (!this.#closed) this.events.emit('change', undefined);
  }
}

/** Creates the room's media. Create it right after the room (for a member, in `joinRoom`'s setup) so the roster replayed on join is seen. */
export function createRoomMedia(options: RoomMediaOptions): RoomMedia {
  return new RoomMedia(options);
}

/** Closes a call whose connection failed (PeerJS only reports ICE failure, not a lost DTLS or a dead peer). */
function watchConnection(call: MediaCall, onConnected: () => void): void {
  const pc = call.peerConnection;
  if (!pc) return;
  let lostTimer: ReturnType<typeof setTimeout> | undefined;
  const check = (): void => {
    const state = pc.connectionState;
    if (state === 'connected') {
      clearTimeout(lostTimer);
      lostTimer = undefined;
      onConnected();
    } else if (state === 'failed' || state === 'closed') {
      clearTimeout(lostTimer);
      pc.removeEventListener('connectionstatechange', check);
      call.close();
    } else if (state === 'disconnected' && lostTimer === undefined) {
      // Disconnected often heals within seconds; a call that stays so is dead.
      lostTimer = setTimeout(() => call.close(), 5000);
    }
  };
  pc.addEventListener('connectionstatechange', check);
}

function stopTracks(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
