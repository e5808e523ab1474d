/**
 * `@beckon/core/testing`: what tests need and apps do not. An in-memory transport for unit tests, and the low-level
 * pieces a test uses to play a hostile peer (raw sessions, control messages, the trust primitives behind admission).
 */
import type { HostRoom } from './room/host.ts';
import type { MemberRoom } from './room/member.ts';
import { findSession, findStreams } from './room/sessions.ts';
import type { PeerSession } from './session/index.ts';

export type { LoopbackOptions } from './loopback.ts';
export { LoopbackNetwork, LoopbackTransport } from './loopback.ts';
export type { LoopbackChannel, LoopbackLink } from './loopback.ts';
export { defaultSessionOptions, encodeChunkFrame, PeerSession } from './session/index.ts';
export type { ChallengeContext, JoinContext } from './trust.ts';
export { Ack, Chunk, Heartbeat, Hello, Join, StreamChunk, StreamClose, StreamEnd, StreamGrant, StreamOpen } from './gen/control.ts';
export { checkChallengeSignature, checkInviteProof, checkWelcomeSignature, proveInvite, signChallenge, signWelcome } from './trust.ts';

/** The member's session to its host, to send what an honest member never would. */
export function memberSession(member: MemberRoom): PeerSession | undefined {
  return findSession(member);
}

/** The host's session to one member, to read its counters or cut it. */
export function hostSession(host: HostRoom, participantId: string): PeerSession | undefined {
  return findSession(host, participantId);
}

/** Bytes of incoming byte streams from `peer` (a participant id) that `room` holds unread: bounded by the window. */
export function streamHeldBytes(room: HostRoom | MemberRoom, peer: string): number {
  return findStreams(room)?.heldBytes(peer) ?? 0;
}
