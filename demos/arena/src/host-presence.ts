import type { MemberRoom } from '@beckon/core';
import type { PeerJsTransport } from '@beckon/peerjs';

/**
 * Calls `onLeft` once when the host's page is gone for good, so a player is told instead of watching a frozen
 * arena say "Reconnecting…". Two signs: the host's lanes closing from its end while the room still counts the link
 * as open (its page closed the room on the way out; a link that merely goes quiet is closed here, by the heartbeat
 * timeout, after the room has moved to reconnecting), or the signalling server saying the host's id is no longer
 * registered (a crashed tab, known after the server's message expiry). Carrying the game on under a new host is
 * host migration, which belongs in @beckon/game; this only says what happened.
 */
export function watchHost(room: MemberRoom, transport: PeerJsTransport, hostPeerId: string, onLeft: () => void): void {
  let left = false;
  let closedFromFarEnd = false;
  const leave = (): void => {
    if (left) return;
    left = true;
    onLeft();
  };
  room.on('lane-close', () => {
    if (room.state === 'open') closedFromFarEnd = true;
  });
  room.on('state', (state) => {
    if (state === 'open') closedFromFarEnd = false;
    else if (closedFromFarEnd || state === 'closed') leave();
  });
  transport.peer.on('error', (error) => {
    if (error.type === 'peer-unavailable' && error.message.includes(hostPeerId) && room.state !== 'open') leave();
  });
}
