import type { PeerJsTransportOptions } from '@beckon/peerjs';

/** The page's own origin, where `beckon serve` runs the PeerServer beside the static files. */
export function signallingOptions(location: Pick<Location, 'protocol' | 'hostname' | 'port'>, path = '/peerjs'): PeerJsTransportOptions {
  const secure = location.protocol === 'https:';
  const port = location.port === '' ? (secure ? 443 : 80) : Number(location.port);
  return { host: location.hostname, port, path, secure };
}

/** The host's peer id from an invite link's hash (`#room=<id>`), or undefined on the agent's page. */
export function roomFromHash(hash: string): string | undefined {
  const id = new URLSearchParams(hash.replace(/^#/, '')).get('room');
  // PeerJS ids: letters, digits, dashes and underscores; anything else is not ours.
  return id !== null && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}

/** The link the agent gives the customer: this page, with the room in the hash (never sent to the server). */
export function inviteLink(location: Pick<Location, 'origin' | 'pathname' | 'search'>, hostPeerId: string): string {
  return `${location.origin}${location.pathname}${location.search}#room=${encodeURIComponent(hostPeerId)}`;
}
