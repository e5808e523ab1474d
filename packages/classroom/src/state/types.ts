import type { ChatMessage } from '../gen/classroom.ts';

// The classroom state's shapes, apart from the functions on them (polls.ts and records.ts use them too).

export interface ClassroomData {
  hands: HandRecord[];
  calledOn: { id: string; name: string } | null;
  /** Every poll of the session, the current one last. */
  polls: PollRecord[];
  chat: ChatMessage[];
  /** What happened, for the xAPI export. */
  log: LogEntry[];
  seq: number;
  /** Everyone who has been in the class (the participants known), so a teacher reload still knows who came back. */
  roster: Record<string, RosterEntry>;
  /** Host clock of the last save: a stored class older than its keep time is not resumed. */
  savedAt: number;
}

export interface RosterEntry {
  name: string;
  firstJoinedAt: number;
  lastSeenAt: number;
}

export interface HandRecord {
  participantId: string;
  name: string;
  raisedAt: number;
  /** Tie-breaker for raises received in the same millisecond: the order the host processed them. */
  seq: number;
}

export type PollKindName = 'yes-no' | 'yes-no-abstain' | 'true-false' | 'letters' | 'custom' | 'free-text';

export interface Ballot {
  choices: number[];
  text: string;
  name: string;
  at: number;
}

export interface PollRecord {
  id: string;
  question: string;
  kind: PollKindName;
  options: string[];
  multiple: boolean;
  anonymous: boolean;
  status: 'open' | 'closed' | 'published';
  /** Participant id → ballot. Kept for anonymous polls too (one changeable vote per person) but never sent or exported. */
  ballots: Record<string, Ballot>;
  openedAt: number;
  closedAt: number;
  closesAt: number;
  correct: number[];
  /** Who sees the results before they are published. */
  results: ResultsPolicyName;
  /** Participant id → true: that participant's current free-text answer is approved for others to see. */
  approved: Record<string, true>;
}

/** `after-answer`: a student sees them once their answer is recorded; `after-publish`: once published; `live`: always. */
export type ResultsPolicyName = 'after-answer' | 'after-publish' | 'live';

export type LogVerb = 'raised-hand' | 'lowered-hand' | 'called-on' | 'chatted' | 'reacted' | 'joined' | 'left' | 'deleted-message';

export interface LogEntry {
  verb: LogVerb;
  at: number;
  actorId: string;
  actorName: string;
  /** Chat text, reaction emoji, or whose hand the teacher lowered or called on. */
  detail: string;
  /** Chat: the message id, whether it was private, and whom a private reply went to. */
  messageId?: string;
  private?: boolean;
  /** The student the teacher acted on (a lowered hand, a call, a private reply). */
  targetId?: string;
  targetName?: string;
}

export interface PollSpec {
  question: string;
  kind: PollKindName;
  /** For `custom` polls: 2 to 10 options. */
  options?: readonly string[];
  multiple?: boolean;
  anonymous?: boolean;
  /** Seconds until the poll closes by itself (a quiz); 0 or absent: the teacher closes it. */
  durationSeconds?: number;
  /** Indexes of the correct options (a quiz); revealed when the results are published. */
  correct?: readonly number[];
  /** Default `after-publish` for quizzes (a timer or a correct answer) and anonymous polls, else `after-answer`. */
  results?: ResultsPolicyName;
}

export type Rejection = { readonly ok: false; readonly reason: string };
/** `unchanged`: accepted, but the state is as it was (a ballot sent again after a reconnect), so nothing to broadcast. */
export type Outcome = { readonly ok: true; readonly unchanged?: boolean } | Rejection;
