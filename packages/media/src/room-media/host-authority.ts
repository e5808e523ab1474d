import { BeckonError } from '@beckon/core';
import type { Emitter, HostRoom, MessageMeta } from '@beckon/core';
import { peerMetadataKey } from '../calls.ts';
import { AnswerStageInvite, LeaveStage, MediaRoster, RequestStage, SetMediaStatus, SfuGrant, StageInvite } from '../gen/media.ts';
import type { MediaPeer } from '../gen/media.ts';
import { SfuHost } from '../sfu/sfu-host.ts';
import type { SfuPass } from '../sfu/sfu-link.ts';
import type { LocalStatus } from './local-devices.ts';
import { rosterKey, rosterMessage } from './roster.ts';
import { defaultAutoSfuAt } from './types.ts';
import type { MediaMode, MediaTopology, RoomMediaEvents, RoomMediaOptions } from './types.ts';

export interface HostAuthorityOptions {
  readonly room: HostRoom;
  /** The host's own transport id, for its roster entry. */
  readonly selfPeerId: string;
  readonly media: RoomMediaOptions;
  /** The host's own switches, written into its roster entry at each publication. */
  readonly selfStatus: () => LocalStatus;
  /** Applies a published roster here, as members apply the one they receive. */
  readonly apply: (roster: MediaRoster) => void;
  readonly setHostPass: (pass: SfuPass) => void;
  readonly nameOf: (participantId: string) => string;
  /** Where 'refused' and 'sfuError' go. */
  readonly events: Emitter<RoomMediaEvents>;
  readonly closed: () => boolean;
}

/**
 * What only the host keeps: the authoritative roster. It follows joins, leaves and members' requests, takes the
 * host's stage decisions, picks the topology, and publishes the result (retained) to everyone.
 */
export class HostAuthority {
  mode: MediaMode;
  readonly #peers = new Map<string, MediaPeer>();
  #stage: string[] = [];
  readonly #invited = new Set<string>();
  readonly #requests = new Set<string>();
  #version = 0;
  /** Stage members who dropped out, removed from the stage unless they rejoin in time. */
  readonly #grace = new Map<string, ReturnType<typeof setTimeout>>();
  #topology: MediaTopology = 'p2p';
  readonly #sfu: SfuHost;
  readonly #options: HostAuthorityOptions;

  constructor(options: HostAuthorityOptions) {
    this.#options = options;
    this.mode = options.media.mode ?? 'stage';
    this.#sfu = new SfuHost({
      choice: options.media.topology ?? 'p2p',
      threshold: options.media.autoSfuAt ?? defaultAutoSfuAt,
      rooms: options.media.sfuRooms,
      onRoom: () => this.publish(),
      onError: (error) => options.events.emit('sfuError', error),
      sendPass: (id, pass) => {
        try {
          options.room.send(SfuGrant, pass, { to: id });
          return true;
        } catch {
          return false;
        }
      },
    });
  }

  /** Starts following the room and publishes the first roster; returns the listeners to remove. */
  listen(): (() => void)[] {
    const room = this.#options.room;
    this.#peers.set(room.selfId, peerEntry(room.selfId, this.#options.selfPeerId, undefined));
    for (const participant of room.participants) {
      if (participant.id !== room.selfId) this.#peers.set(participant.id, peerEntry(participant.id, verifiedPeer(room, participant.id), undefined));
    }
    const off = [
      room.on('join', ({ participant }) => {
        // A reload comes back with a new transport id: calls go to the new one.
        this.#peers.set(participant.id, peerEntry(participant.id, verifiedPeer(room, participant.id), this.#peers.get(participant.id)));
        // A rejoin (a reload) lost its pass: it goes out again.
        this.#sfu.forget(participant.id);
        clearTimeout(this.#grace.get(participant.id));
        this.#grace.delete(participant.id);
        this.publish();
      }),
      room.on('leave', ({ participant }) => {
        const id = participant.id;
        this.#peers.delete(id);
        this.#invited.delete(id);
        this.#requests.delete(id);
        if (this.#stage.includes(id)) {
          // Keep the place for a reload or a dropped link; give it up if the member does not come back.
          const timer = setTimeout(() => {
            this.#grace.delete(id);
            if (this.#peers.has(id)) return;
            this.#stage = this.#stage.filter((other) => other !== id);
            this.publish();
          }, this.#options.media.stageGraceMs ?? 30_000);
          this.#grace.set(id, timer);
        }
        this.publish();
      }),
      room.on(SetMediaStatus, (status, meta) => {
        const previous = this.#peers.get(meta.from);
        if (!previous) return;
        this.#peers.set(meta.from, { ...previous, mic: status.mic, camera: status.camera, hasMic: status.hasMic, hasCamera: status.hasCamera, error: status.error.slice(0, 300) });
        this.publish();
      }),
      room.on(RequestStage, ({ raised }, meta) => {
        if (!this.#peers.has(meta.from) || this.#stage.includes(meta.from)) return;
        if (raised) this.#requests.add(meta.from);
        else this.#requests.delete(meta.from);
        this.publish();
      }),
      room.on(AnswerStageInvite, ({ accept }, meta) => {
        // Only the host puts anyone on stage: accepting counts only for an invite the host made.
        if (!this.#invited.delete(meta.from)) {
          this.#refuse(meta, 'accepted a stage invite it never had');
          return;
        }
        if (accept && !this.#stage.includes(meta.from)) {
          this.#stage.push(meta.from);
          this.#requests.delete(meta.from);
        }
        this.publish();
      }),
      room.on(LeaveStage, (_value, meta) => {
        this.#stage = this.#stage.filter((id) => id !== meta.from);
        this.publish();
      }),
    ];
    this.publish();
    return off;
  }

  // ---- Stage: host decisions ----

  invite(participantId: string): void {
    if (!this.#peers.has(participantId) || participantId === this.#options.room.selfId || this.#stage.includes(participantId)) return;
    this.#invited.add(participantId);
    this.#options.room.send(StageInvite, { fromName: this.#options.nameOf(this.#options.room.selfId) }, { to: participantId });
    this.publish();
  }

  acceptRequest(participantId: string): boolean {
    if (!this.#requests.delete(participantId)) return false;
    this.#invited.delete(participantId);
    if (!this.#stage.includes(participantId)) this.#stage.push(participantId);
    this.publish();
    return true;
  }

  endStage(participantId: string): void {
    this.#stage = this.#stage.filter((id) => id !== participantId);
    this.#invited.delete(participantId);
    this.#requests.delete(participantId);
    clearTimeout(this.#grace.get(participantId));
    this.#grace.delete(participantId);
    this.publish();
  }

  setMode(mode: MediaMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.publish();
  }

  /** Sends the roster to everyone (retained for late joiners) and applies it here. */
  publish(): void {
    if (this.#options.closed()) return;
    const selfId = this.#options.room.selfId;
    this.#version += 1;
    this.#decideTopology();
    const self = this.#peers.get(selfId);
    if (self) this.#peers.set(selfId, { ...self, ...this.#options.selfStatus() });
    const roster = rosterMessage({ mode: this.mode, peers: this.#peers, stage: this.#stage, invited: this.#invited, requests: this.#requests, version: this.#version, topology: this.#topology });
    const room = this.#options.room;
    if (room.state === 'open') room.send(MediaRoster, roster, { retain: rosterKey });
    this.#options.apply(MediaRoster.decode(MediaRoster.encode(roster)));
  }

  close(): void {
    for (const timer of this.#grace.values()) clearTimeout(timer);
    this.#sfu.close();
  }

  /** p2p or SFU now, and (SFU) each participant's feed id and the host's own pass. */
  #decideTopology(): void {
    const publishers = new Set(this.mode === 'mesh' ? this.#peers.keys() : this.#stage.filter((id) => this.#peers.has(id)));
    const decision = this.#sfu.decide(this.#options.room.selfId, [...this.#peers.keys()], publishers);
    this.#topology = decision.topology;
    for (const [id, peer] of this.#peers) {
      const feed = decision.feedOf(id);
      if (peer.sfuFeed !== feed) this.#peers.set(id, { ...peer, sfuFeed: feed });
    }
    if (decision.hostPass) this.#options.setHostPass(decision.hostPass);
  }

  #refuse(meta: MessageMeta, what: string): void {
    this.#options.events.emit('refused', new BeckonError('policy-violation', `${this.#options.nameOf(meta.from)} (${meta.from}) ${what}`, { peer: meta.from, messageType: meta.type.name }));
  }
}

/** The transport id the member joined on, which it cannot forge; its metadata's claim is only a fallback. */
function verifiedPeer(room: HostRoom, participantId: string): string {
  return room.link(participantId)?.remoteId ?? room.participant(participantId)?.metadata[peerMetadataKey] ?? '';
}

function peerEntry(participantId: string, peerId: string, previous: MediaPeer | undefined): MediaPeer {
  return previous ? { ...previous, peerId } : { participantId, peerId, mic: false, camera: false, hasMic: false, hasCamera: false, error: '', sfuFeed: 0 };
}
