import type { PeerJsTransportOptions } from '@beckon/peerjs';

/** The page's own origin, where `beckon serve` runs the PeerServer beside the static files. */
export function signallingOptions(location: Pick<Location, 'protocol' | 'hostname' | 'port'>, path = '/peerjs'): PeerJsTransportOptions {
  const secure = location.protocol === 'https:';
  const port = location.port === '' ? (secure ? 443 : 80) : Number(location.port);
  return { host: location.hostname, port, path, secure };
}

/** The host's peer id from an invite link (`#join=<id>`), or undefined on the page that creates the game. */
export function hostFromHash(hash: string): string | undefined {
  const id = new URLSearchParams(hash.replace(/^#/, '')).get('join');
  return id !== null && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}

/** The link the host shares: this page (without its query, which holds the host's own name) and the host's id. */
export function inviteLink(location: Pick<Location, 'origin' | 'pathname'>, hostPeerId: string): string {
  return `${location.origin}${location.pathname}#join=${encodeURIComponent(hostPeerId)}`;
}
