import type { ChatMessage } from '../gen/classroom.ts';
import type { ShownReaction } from './reactions.ts';

export type ClassroomRole = 'teacher' | 'student';

export interface ClassroomEvents {
  /** Something the components render changed. */
  change: ChangeKind;
  reaction: ShownReaction;
  chat: ChatMessage;
  /** A command this participant gave was refused (by the host's rules, or because the room is not connected). */
  refused: { readonly command: string; readonly reason: string };
  /** Teacher: the room refused a member's message (a forged teacher action, a flood, an oversized message). */
  blocked: BlockedMessage;
}

/** A member's message the room refused, as the teacher sees it. */
export interface BlockedMessage {
  readonly participantId: string;
  readonly name: string;
  /** `policy-violation`, `rate-limited`, `oversized`, … */
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

export type ChangeKind = 'state' | 'participants' | 'hands' | 'poll' | 'ballot' | 'chat' | 'reactions' | 'published';

/**
 * This student's ballot in the current poll, as far as the host has answered: `sending` until the host's verdict,
 * then `recorded`, or `refused` with the host's reason (the choice stays editable).
 */
export interface BallotStatus {
  readonly pollId: string;
  readonly choices: readonly number[];
  readonly text: string;
  readonly state: 'sending' | 'recorded' | 'refused';
  readonly reason: string;
}

export interface ClassroomOptions {
  /** Teacher only: where the classroom state survives a reload of the teacher's page (`openIdbStorage()` in a browser). */
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** Storage key; default `beckon:classroom:<room name>`. */
  readonly storageKey?: string;
  /** Teacher only: stored state older than this is not resumed (a new class starts). Default 12 hours. */
  readonly resumeWithinMs?: number;
  readonly reactionTtlMs?: number;
  /** Teacher: members' changes (tallies, hands) are sent at most this often. Default 50 ms. */
  readonly coalesceMs?: number;
  /** Teacher: saves after members' changes wait this long (teacher commands save at once). Default 250 ms. */
  readonly saveDelayMs?: number;
  /** Clock for the host's timestamps; tests pass a fake. */
  readonly now?: () => number;
}
