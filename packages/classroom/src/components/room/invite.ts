import { isBeckonError, parseInvite } from '@beckon/core';
import type { Invite } from '@beckon/core';
import type { BlockedMessage } from '../../session/classroom.ts';

/** Where a student joins: the teacher's peer id, and the invite with the room's keys when the link carries one. */
export type Ticket = { readonly host: string; readonly invite?: Invite } | { readonly error: string };

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const brokenLink = 'This invite link is damaged or incomplete. Ask your teacher to share the link again, and open all of it.';

/**
 * Reads the `#join=` value: a keyed invite (`host.secret.key`), or a bare peer id from a teacher's page that could
 * not make keys (no WebCrypto off https). Anything else is a link cut short or altered.
 */
export function readTicket(value: string): Ticket {
  const invite = parseInvite(value);
  if (invite) return idPattern.test(invite.host) ? { host: invite.host, invite } : { error: brokenLink };
  return idPattern.test(value) ? { host: value } : { error: brokenLink };
}

/** Why joining failed, in words a student can act on. */
export function describeJoinError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isBeckonError(error, 'removed')) return 'Your teacher removed you from this class. Ask your teacher if you think this is a mistake.';
  if (isBeckonError(error, 'refused')) {
    if (message.includes("could not prove it holds the room's key")) {
      return (
        'This link did not reach your teacher: the computer answering it could not prove it hosts this class, so you were ' +
        'not connected. Ask your teacher for a fresh invite link.'
      );
    }
    if (message.endsWith('(invite-required)')) {
      return 'The class did not accept this invite link. It may be incomplete or from an earlier lesson: ask your teacher for the current link.';
    }
    if (message.endsWith('(identity-taken)') || message.endsWith('(replaced)')) {
      return 'You are in this class in another tab or window. Carry on there, or close it and reload this page.';
    }
    if (message.endsWith('(protocol)')) return "This page and your teacher's run different versions of the class. Reload the page.";
    if (message.endsWith('(not-admitted)')) return "Your teacher's class did not let you in.";
  }
  if (isBeckonError(error, 'not-connected') || isBeckonError(error, 'timeout')) {
    return "Could not reach the class. Check that your teacher's page is open, then try again.";
  }
  return `Could not join the class: ${message}`;
}

const blockedWhat: Record<string, string> = {
  'policy-violation': 'a teacher-only action',
  'rate-limited': 'too many messages',
  oversized: 'a message that was too large',
};

/** The teacher's notice of members' messages the room refused. */
export function describeBlocked(last: BlockedMessage, count: number): string {
  const what = blockedWhat[last.code] ?? 'a message the class could not accept';
  return `Blocked ${what} from ${last.name}${count > 1 ? ` (${count} blocked so far)` : ''}. The class is unaffected.`;
}
