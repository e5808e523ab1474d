import { BeckonError } from '@beckon/core';
import type { HostCredentials, HostRoom, Invite, MemberRoom, Transport } from '@beckon/core';
import type { Replica } from './migration-member.ts';
import { successionOrder } from './succession.ts';

export interface TakeoverOptions {
  /** This player's participant id. */
  readonly selfId: string;
  /** The transport this player was a member on, still open (see `shareTransport`): its id is the one listed. */
  readonly transport: Transport;
  /** The old room's invite, when it had one: the new room keeps its secret, so the same people may join. */
  readonly invite?: Invite;
  /** This player's successor keys (MigrationMember's `keys`). */
  readonly keys: Promise<HostCredentials>;
  /**
   * Opens this player's room as the new host: as participant `selfId`, with these credentials (undefined when the
   * old room had no invite), and the game restored from the replica.
   */
  readonly host: (credentials: HostCredentials | undefined) => HostRoom;
  /** Joins the new host at transport id `peer`; `invite` lets this member check that it holds the listed key. */
  readonly join: (peer: string, invite: Invite | undefined, timeoutMs: number) => Promise<MemberRoom>;
  /** How long to wait for each candidate before trying the next. Default 2500 ms. */
  readonly attemptMs?: number;
  /**
   * Whether a failed join means the candidate is gone for good (skip it now rather than retry until `attemptMs`).
   * Default: the signalling server said the peer is unknown (PeerJS's `peer-unavailable`).
   */
  readonly isGone?: (error: unknown) => boolean;
}

function peerUnavailable(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { type?: unknown } | undefined) : undefined;
  return cause?.type === 'peer-unavailable';
}

export type Takeover =
  | { readonly role: 'host'; readonly room: HostRoom; readonly credentials: HostCredentials | undefined; readonly hostId: string; readonly skipped: readonly string[] }
  | { readonly role: 'member'; readonly room: MemberRoom; readonly hostId: string; readonly invite: Invite | undefined; readonly skipped: readonly string[] };

/**
 * After the host is gone: the first candidate in the succession order that is this player hosts; any other joins
 * the first candidate that answers and proves it holds the key the old host listed for it. A candidate that does not
 * answer within `attemptMs` (gone too, or still attached to the old host) is skipped by everyone the same way.
 */
export async function takeOver(replica: Replica, options: TakeoverOptions): Promise<Takeover> {
  const order = successionOrder(replica.roster, replica.successors, replica.oldHost);
  const failures: string[] = [];
  for (const candidate of order) {
    if (candidate.participant === options.selfId) {
      if (candidate.peer !== options.transport.localId) {
        failures.push(`${candidate.participant}: listed under another transport id`);
        continue;
      }
      const keys = await options.keys;
      const credentials = options.invite
        ? { invite: { host: options.transport.localId, secret: options.invite.secret, hostKey: keys.invite.hostKey }, privateKey: keys.privateKey }
        : undefined;
      return { role: 'host', room: options.host(credentials), credentials, hostId: candidate.participant, skipped: failures };
    }
    const invite = options.invite ? { host: candidate.peer, secret: options.invite.secret, hostKey: Uint8Array.from(candidate.key) } : undefined;
    const room = await attempt(candidate.peer, invite, options, (why) => failures.push(`${candidate.participant}: ${why}`));
    if (room) return { role: 'member', room, hostId: candidate.participant, invite, skipped: failures };
  }
  throw new BeckonError('not-connected', `No one could take over the game (${failures.join('; ') || 'no successor was listed'})`);
}

/**
 * The first try is short: a connection that reached the candidate before it listened may be lost (its first message
 * had no one to hear it). Every candidate gets a second, full try however late it is, because on a busy page the
 * clock runs on while the main thread is blocked, and a live candidate must not be passed over for that.
 */
const firstTryMs = 1200;
const minTryMs = 1500;

async function attempt(peer: string, invite: Invite | undefined, options: TakeoverOptions, failed: (why: string) => void): Promise<MemberRoom | undefined> {
  const deadline = Date.now() + (options.attemptMs ?? 2500);
  let last = '';
  for (let tries = 0; tries < 2 || Date.now() < deadline; tries++) {
    try {
      return await options.join(peer, invite, tries === 0 ? firstTryMs : Math.max(minTryMs, deadline - Date.now()));
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
      // A peer that answered but could not prove the listed key (or refused us) is not the new host: skip it.
      if (error instanceof BeckonError && (error.code === 'refused' || error.code === 'removed')) break;
      if ((options.isGone ?? peerUnavailable)(error)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  failed(last || 'no answer');
  return undefined;
}
