import { BeckonError, Emitter } from '@beckon/core';
import type { HostRoom, MemberRoom } from '@beckon/core';
import type { MediaPeerLike } from '../calls.ts';
import { AnswerStageInvite, LeaveStage, messageTypes, RequestStage, SetMediaStatus } from '../gen/media.ts';
import type { MediaRoster } from '../gen/media.ts';
import { SfuLink } from '../sfu/sfu-link.ts';
import type { SfuPass } from '../sfu/sfu-link.ts';
import { HostAuthority } from './host-authority.ts';
import { LocalDevices } from './local-devices.ts';
import { listenAsMember, sendAsMember } from './member.ts';
import { P2pCalls } from './p2p-calls.ts';
import { Remotes } from './remotes.ts';
import { publishersOf, rosterView, sfuFeeds } from './roster.ts';
import { receiveStatsOf, sendStatsOf } from './stats.ts';
import type { MediaMode, MediaRosterView, MediaTile, MediaTopology, ReceiveStats, RemoteMedia, RoomMediaEvents, RoomMediaOptions, SendStats } from './types.ts';

/**
 * Live audio and video in a Beckon room. The host decides who publishes (the roster, a retained event on the
 * reliable lane); each publisher calls every other participant with a PeerJS media call of its own, and each
 * receiver accepts calls only from participants the roster lets publish. Through the SFU, each publisher
 * uploads once instead. This class ties those parts together and is the face views and apps use.
 */
export class RoomMedia {
  readonly room: HostRoom | MemberRoom;
  readonly events = new Emitter<RoomMediaEvents>();
  readonly #peer: MediaPeerLike | undefined;
  readonly #options: RoomMediaOptions;
  readonly #authority: HostAuthority | undefined;
  readonly #local = new LocalDevices();
  readonly #remotes: Remotes;
  /** Only with a peer: without one, roster and control only. */
  readonly #calls: P2pCalls | undefined;
  readonly #sfu: SfuLink;
  #roster: MediaRosterView | undefined;
  #closed = false;
  #invite: { fromName: string } | undefined;
  readonly #off: (() => void)[] = [];

  constructor(options: RoomMediaOptions) {
    this.room = options.room;
    this.#peer = options.peer ?? options.transport?.peer;
    this.#options = options;
    this.#remotes = new Remotes(this.events, () => this.#changed());
    this.#sfu = new SfuLink({
      display: options.room.selfId,
      rtc: options.rtcConfiguration,
      onRemote: (id, subscriber) => this.#remotes.fromSfu(id, this.#roster?.peers.get(id)?.peerId ?? '', subscriber),
      onPublishEnded: () => this.#changed(),
    });
    if (this.#peer) {
      this.#calls = new P2pCalls({
        peer: this.#peer,
        selfId: options.room.selfId,
        remotes: this.#remotes,
        media: options,
        roster: () => (this.#roster ? { roster: this.#roster, publishers: this.publishers } : undefined),
        reconcile: () => this.#reconcile(),
        changed: () => this.#changed(),
      });
    }
    const room = options.room;
    for (const type of messageTypes) room.registry.add(type);
    if (room.isHost) {
      this.#authority = new HostAuthority({
        room,
        selfPeerId: this.#peer?.id ?? room.transport.localId,
        media: options,
        selfStatus: () => this.#local.status,
        apply: (roster) => this.#applyRoster(roster),
        setHostPass: (pass) => this.#sfu.setPass(pass),
        nameOf: (id) => this.#nameOf(id),
        events: this.events,
        closed: () => this.#closed,
      });
      this.#off.push(...this.#authority.listen());
    } else {
      this.#off.push(
        ...listenAsMember(room, {
          roster: (roster) => this.#applyRoster(roster),
          pass: (pass) => this.#sfu.setPass(pass),
          invite: (fromName) => {
            this.#invite = { fromName };
            this.events.emit('invite', { fromName });
            this.#changed();
          },
          open: () => this.#sendStatus(),
        }),
      );
    }
    if (this.#calls) this.#off.push(this.#calls.listen());
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
    return { ...this.#local.status, started: this.#local.started };
  }

  get remotes(): ReadonlyMap<string, RemoteMedia> {
    return this.#remotes.all;
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
    return publishersOf(this.#roster, this.hostId);
  }

  /** The tiles a grid shows: the publishers, with their names, streams and switches. */
  get tiles(): readonly MediaTile[] {
    const roster = this.#roster;
    if (!roster) return [];
    const local = this.#local.status;
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
        mic: self ? local.mic : (state?.mic ?? false),
        camera: self ? local.camera : (state?.camera ?? false),
        hasMic: self ? local.hasMic : (state?.hasMic ?? false),
        hasCamera: self ? local.hasCamera : (state?.hasCamera ?? false),
        error: self ? local.error : (state?.error ?? ''),
      };
    });
  }

  /**
   * Opens the camera and microphone and starts publishing whenever the roster allows it. Never throws for
   * missing devices or denied permission: `local.error` says why, and the room carries on with data only.
   */
  async start(): Promise<void> {
    if (this.#closed) throw new BeckonError('closed', 'media is closed');
    if (this.#local.started) return;
    const capture = this.#peer
      ? { audio: this.#options.audio ?? true, video: this.#options.video ?? { width: 640, height: 480 }, getUserMedia: this.#options.getUserMedia }
      : undefined;
    if (!(await this.#local.open(capture, () => this.#closed))) return;
    this.#sendStatus();
    this.#reconcile();
    this.#changed();
  }

  /** Mutes or unmutes the microphone (the track keeps running, silent: no renegotiation) and tells everyone. */
  setMic(on: boolean): void {
    if (!this.#local.setMic(on)) return;
    this.#sendStatus();
    this.#changed();
  }

  /** Turns the camera on or off (black frames while off) and tells everyone. */
  setCamera(on: boolean): void {
    if (!this.#local.setCamera(on)) return;
    this.#sendStatus();
    this.#changed();
  }

  /** Stops publishing and releases the devices; remote streams keep playing. `start` again to publish. */
  stop(): void {
    this.#calls?.hangUpAll();
    this.#local.release();
    this.#sendStatus();
    this.#changed();
  }

  /** Ends every call and releases the devices. The room itself stays open. */
  close(): void {
    if (this.#closed) return;
    this.stop();
    this.#closed = true;
    this.#calls?.close();
    for (const off of this.#off.splice(0)) off();
    this.#remotes.dropAll();
    this.#sfu.close();
    this.#authority?.close();
  }

  /**
   * What this participant uploads: every outgoing p2p call plus the SFU publication, from getStats. Proof of
   * the SFU's point (one upload whatever the room size) and what `pnpm bench media-scale` measures.
   */
  async sendStats(): Promise<SendStats> {
    const connections = this.#calls?.connections ?? [];
    const publisher = this.#sfu.publisher?.pc;
    if (publisher) connections.push(publisher);
    return sendStatsOf(connections);
  }

  /** Video statistics of the stream received from `participantId`: proof that frames are decoded, not only a track. */
  async receiveStats(participantId: string): Promise<ReceiveStats | undefined> {
    const pc = this.#remotes.get(participantId)?.call.peerConnection;
    return pc ? receiveStatsOf(pc) : undefined;
  }

  // ---- Stage: member actions ----

  /** Member: ask the host to go on stage (or withdraw the request). */
  requestStage(raised = true): void {
    sendAsMember(this.room, RequestStage, { raised });
  }

  /** Member: answer the host's invite. */
  answerInvite(accept: boolean): void {
    this.#invite = undefined;
    sendAsMember(this.room, AnswerStageInvite, { accept });
  }

  /** Member: step off the stage. */
  leaveStage(): void {
    sendAsMember(this.room, LeaveStage, {});
  }

  // ---- Stage: host decisions ----

  /** Host: invite a member on stage; the member goes on stage when it accepts. */
  inviteToStage(participantId: string): void {
    this.#requireHost('invite to the stage').invite(participantId);
  }

  /** Host: put a member who asked (`requestStage`) on stage. Returns false when it had not asked. */
  acceptStageRequest(participantId: string): boolean {
    return this.#requireHost('accept a stage request').acceptRequest(participantId);
  }

  /** Host: take a member off the stage (or cancel its invite or request); its stream stops everywhere. */
  endStage(participantId: string): void {
    this.#requireHost('end a stage').endStage(participantId);
  }

  /** Host: switch between the classroom stage and the game mesh. */
  setMode(mode: MediaMode): void {
    this.#requireHost('change the media mode').setMode(mode);
  }

  #requireHost(what: string): HostAuthority {
    if (!this.#authority) throw new BeckonError('policy-violation', `Only the host may ${what}`);
    return this.#authority;
  }

  /** Tells the host this participant's switches; the host itself publishes a new roster with them. */
  #sendStatus(): void {
    if (this.#closed) return;
    if (this.#authority) {
      this.#authority.publish();
      return;
    }
    if (this.room.state !== 'open') return;
    try {
      this.room.send(SetMediaStatus, this.#local.status);
    } catch {
      // Not connected: sent again once the room is open.
    }
  }

  #applyRoster(message: MediaRoster): void {
    this.#roster = rosterView(message);
    if (!this.#roster.invited.includes(this.selfId)) this.#invite = undefined;
    this.#reconcile();
    this.#changed();
  }

  /** Brings the SFU link and the p2p calls in line with the roster. */
  #reconcile(): void {
    const calls = this.#calls;
    const roster = this.#roster;
    if (!calls || !roster || this.#closed) return;
    const publishers = new Set(this.publishers);
    const stream = this.#local.stream;
    const viaSfu = roster.topology === 'sfu';
    this.#sfu.sync({ publish: viaSfu && publishers.has(this.selfId) ? stream : undefined, feeds: sfuFeeds(roster, publishers, this.selfId) });
    calls.reconcile(roster, publishers, stream);
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
