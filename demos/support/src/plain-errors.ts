import { isBeckonError } from '@beckon/core';

/**
 * Why joining failed, in words a customer can act on. The library's messages name peers, servers and lanes,
 * which help a developer but tell a customer nothing; they stay in the activity log.
 */
export function joinFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isBeckonError(error, 'refused')) {
    return /replaced|another tab/i.test(message)
      ? 'This session is already open in another tab or window. Use that one, or close it and try again.'
      : 'Your support agent’s page did not accept this link. It may belong to an earlier session. Ask your agent for a new link.';
  }
  if (isBeckonError(error, 'not-connected') && /is not on the PeerServer/.test(message)) {
    return 'We could not reach your support agent with this link. The session may have ended, or the link may be incomplete. Ask your agent for a new link.';
  }
  if (/PeerServer|signalling/i.test(message)) return 'We could not reach the support service. Check your internet connection and try again.';
  if (isBeckonError(error, 'timeout')) return 'Your support agent did not answer in time. Check your internet connection and try again.';
  return 'Something went wrong while connecting to your support agent. Try again, or ask your agent for a new link.';
}

/** A `mailto:` with a ready-made request for a fresh invite; the customer picks the address. */
export function newLinkRequest(): string {
  const subject = 'The support link does not work';
  const body = 'Hello, the support session link you sent me does not open. Could you send me a new one?';
  return `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}
