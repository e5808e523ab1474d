import type { MessageInit } from '@beckon/core';
import { MediaMode as MediaModeValue, MediaRoster, MediaTopology as MediaTopologyValue } from '../gen/media.ts';
import type { MediaPeer } from '../gen/media.ts';
import type { MediaMode, MediaRosterView, MediaTopology, PeerMediaState } from './types.ts';

/** The roster is room state: replayed to late joiners and reloads under this key. */
export const rosterKey = 'beckon.media.roster';

const modeNames: Record<number, MediaMode> = { [MediaModeValue.STAGE]: 'stage', [MediaModeValue.MESH]: 'mesh' };
const modeValues: Record<MediaMode, MediaModeValue> = { stage: MediaModeValue.STAGE, mesh: MediaModeValue.MESH };

/** What the host decides and sends: the roster before it goes on the wire. */
export interface RosterDecision {
  readonly mode: MediaMode;
  readonly peers: ReadonlyMap<string, MediaPeer>;
  readonly stage: readonly string[];
  readonly invited: ReadonlySet<string>;
  readonly requests: ReadonlySet<string>;
  readonly version: number;
  readonly topology: MediaTopology;
}

export function rosterMessage(decision: RosterDecision): MessageInit<MediaRoster> {
  return {
    mode: modeValues[decision.mode],
    peers: [...decision.peers.values()],
    stage: [...decision.stage],
    invited: [...decision.invited],
    requests: [...decision.requests],
    version: decision.version,
    topology: decision.topology === 'sfu' ? MediaTopologyValue.SFU : MediaTopologyValue.P2P,
  };
}

/** The roster as every participant reads it, the host included (it applies its own after a wire round trip). */
export function rosterView(message: MediaRoster): MediaRosterView {
  const peers = new Map<string, PeerMediaState>();
  for (const peer of message.peers) peers.set(peer.participantId, { ...peer });
  return {
    mode: modeNames[message.mode] ?? 'stage',
    peers,
    stage: [...message.stage],
    invited: [...message.invited],
    requests: [...message.requests],
    version: message.version,
    topology: message.topology === MediaTopologyValue.SFU ? 'sfu' : 'p2p',
  };
}

/** Who the roster lets publish: everyone in mesh mode; the host and the stage in stage mode. */
export function publishersOf(roster: MediaRosterView | undefined, hostId: string): readonly string[] {
  if (!roster) return [];
  if (roster.mode === 'mesh') return [...roster.peers.keys()];
  return [hostId, ...roster.stage.filter((id) => id !== hostId)].filter((id) => roster.peers.has(id));
}

/** Through the SFU: the feed to receive from each other publisher that has one. */
export function sfuFeeds(roster: MediaRosterView, publishers: ReadonlySet<string>, selfId: string): Map<string, number> {
  const feeds = new Map<string, number>();
  if (roster.topology !== 'sfu') return feeds;
  for (const id of publishers) {
    const feed = roster.peers.get(id)?.sfuFeed ?? 0;
    if (id !== selfId && feed !== 0) feeds.set(id, feed);
  }
  return feeds;
}
