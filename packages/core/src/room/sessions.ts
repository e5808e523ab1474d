import type { PeerSession } from '../session/index.ts';

/**
 * Where a room's sessions can be found by tests that play a hostile peer (`@beckon/core/testing`). Kept off the rooms'
 * public surface: apps see `link()` and `stats()`, never a session.
 */
const lookups = new WeakMap<object, (participantId: string | undefined) => PeerSession | undefined>();

export function registerSessions(room: object, lookup: (participantId: string | undefined) => PeerSession | undefined): void {
  lookups.set(room, lookup);
}

const streamHubs = new WeakMap<object, { heldBytes(peer: string): number }>();

/** Where tests read how many unread stream bytes a room holds for a peer. */
export function registerStreams(room: object, hub: { heldBytes(peer: string): number }): void {
  streamHubs.set(room, hub);
}

export function findStreams(room: object): { heldBytes(peer: string): number } | undefined {
  return streamHubs.get(room);
}

export function findSession(room: object, participantId?: string): PeerSession | undefined {
  return lookups.get(room)?.(participantId);
}
