import { parseInvite } from '@beckon/core';
import type { Invite } from '@beckon/core';
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

/**
 * What an invite link (`#join=…`) points at: a keyed invite (host id, room secret, host key), or a bare host id from a
 * page without WebCrypto; undefined on the page that creates the game.
 */
export function joinTarget(hash: string): { host: string; invite: Invite | undefined } | undefined {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('join');
  if (value === null) return undefined;
  const invite = parseInvite(value);
  if (invite) return { host: invite.host, invite };
  const host = hostFromHash(hash);
  return host === undefined ? undefined : { host, invite: undefined };
}
