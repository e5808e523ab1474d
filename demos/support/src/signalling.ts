import { parseInvite } from '@beckon/core';
import type { Invite } from '@beckon/core';
import type { PeerJsTransportOptions } from '@beckon/peerjs';

/** The page's own origin, where `beckon serve` runs the PeerServer beside the static files. */
export function signallingOptions(location: Pick<Location, 'protocol' | 'hostname' | 'port'>, path = '/peerjs'): PeerJsTransportOptions {
  const secure = location.protocol === 'https:';
  const port = location.port === '' ? (secure ? 443 : 80) : Number(location.port);
  return { host: location.hostname, port, path, secure };
}

/** Where to join: the host's peer id and, when the agent's page could make one, the invite with the room's keys. */
export interface RoomTicket {
  readonly host: string;
  readonly invite?: Invite;
}

// PeerJS ids: letters, digits, dashes and underscores; anything else is not ours.
const peerId = /^[A-Za-z0-9_-]{1,64}$/;

/** The ticket in an invite link's hash (`#room=<invite>`), or undefined on the agent's page or for a broken link. */
export function ticketFromHash(hash: string): RoomTicket | undefined {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('room');
  if (value === null) return undefined;
  const invite = parseInvite(value);
  if (invite) return peerId.test(invite.host) ? { host: invite.host, invite } : undefined;
  return peerId.test(value) ? { host: value } : undefined;
}

/** What the page's hash asks for: the agent's page (no room), a customer's ticket, or a link that is damaged. */
export type HashRequest = { readonly kind: 'agent' } | { readonly kind: 'customer'; readonly ticket: RoomTicket } | { readonly kind: 'broken' };

/**
 * Reads the hash. A `room` that does not parse is reported as broken: opening a fresh agent session for it would
 * quietly make the customer the host of an empty room.
 */
export function readHash(hash: string): HashRequest {
  if (!new URLSearchParams(hash.replace(/^#/, '')).has('room')) return { kind: 'agent' };
  const ticket = ticketFromHash(hash);
  return ticket ? { kind: 'customer', ticket } : { kind: 'broken' };
}

/**
 * The link the agent gives the customer: this page, with the invite (or just the host id) in the hash, which
 * browsers never send to a server.
 */
export function inviteLink(location: Pick<Location, 'origin' | 'pathname' | 'search'>, ticket: string): string {
  return `${location.origin}${location.pathname}${location.search}#room=${ticket}`;
}
