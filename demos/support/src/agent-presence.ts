import type { MemberRoom } from '@beckon/core';
import type { PeerJsTransport } from '@beckon/peerjs';

/** Whether the agent is here, briefly away (the link dropped, the room is reconnecting), or gone for good. */
export type Presence = 'here' | 'away' | 'left';

/**
 * The customer's view of the agent. The room reconnects after any drop; it cannot tell a network blip from a
 * closed tab. The signalling server can: once it says the agent's id is not registered, the agent's page is gone
 * (a new agent page takes a new id), so the session is over and the customer is told so instead of waiting.
 * That answer takes the server's message expiry (about 5 s); an agent page that closes its room on the way out
 * (see `pagehide` in main.ts) is known at once, by its channels closing from its end.
 */
export function watchAgent(room: MemberRoom, transport: PeerJsTransport, hostPeerId: string, onChange: (presence: Presence) => void): () => Presence {
  let presence: Presence = 'here';
  const set = (next: Presence): void => {
    if (next === presence) return;
    presence = next;
    onChange(next);
  };
  // The abort can arrive just before or just after the room notices the link is down.
  let aborted = false;
  room.on('state', (state) => {
    if (state === 'open') {
      aborted = false;
      set('here');
    } else if (state === 'reconnecting' && presence === 'here') set(aborted ? 'left' : 'away');
    else if (state === 'closed') set('left');
  });
  const agentClosed = (): void => {
    aborted = true;
    if (room.state !== 'open') set('left');
  };
  room.on('lane-error', ({ error }) => {
    if (closedByAgent(error)) agentClosed();
  });
  // A lane that closes while the room still counts the link as open was closed from the far end: a link that merely
  // goes quiet is closed here, by the heartbeat timeout, after the room has moved to reconnecting.
  room.on('lane-close', () => {
    if (room.state === 'open') agentClosed();
  });
  transport.peer.on('error', (error) => {
    // PeerJS names the unreachable peer in the message; only the agent's id concerns this page.
    if (error.type === 'peer-unavailable' && error.message.includes(hostPeerId) && room.state === 'reconnecting') set('left');
  });
  return () => presence;
}

/**
 * True for a data channel ended by the other side on purpose: SCTP cause 12, User-Initiated Abort (RFC 9260),
 * which a page sends when it closes its connection, and never a network failure.
 */
function closedByAgent(error: unknown): boolean {
  for (let cause = error; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { sctpCauseCode?: unknown }).sctpCauseCode === 12) return true;
  }
  return false;
}
