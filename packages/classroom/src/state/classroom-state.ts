import { cleanText, isSafeKey } from '@beckon/core';
import { PollKind, PollStatus } from '../gen/classroom.ts';
import type { BallotReceipt, ChatMessage, HandQueue, PollState } from '../gen/classroom.ts';

/**
 * The classroom's one copy of the truth, kept by the host. Deterministic (the caller passes the clock) and
 * plain JSON, so the teacher's page can store it and get it back after a reload. Members never hold it: they
 * render the snapshots derived from it (`handQueue`, `pollState`, `chatHistory`).
 */
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
}

export type LogVerb = 'raised-hand' | 'lowered-hand' | 'called-on' | 'chatted' | 'reacted' | 'joined' | 'left';

export interface LogEntry {
  verb: LogVerb;
  at: number;
  actorId: string;
  actorName: string;
  /** Chat text, reaction emoji, or whose hand the teacher lowered or called on. */
  detail: string;
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
}

export type Rejection = { readonly ok: false; readonly reason: string };
/** `unchanged`: accepted, but the state is as it was (a ballot sent again after a reconnect), so nothing to broadcast. */
export type Outcome = { readonly ok: true; readonly unchanged?: boolean } | Rejection;

export const reactionEmojis = ['👍', '👏', '😂', '😮', '❤️', '🤔', '🐢', '🐇'] as const;
export const maxChatLength = 1000;
export const maxFreeTextLength = 280;
const chatKept = 500;
const historySent = 100;

const presetOptions: Record<Exclude<PollKindName, 'custom' | 'free-text'>, string[]> = {
  'yes-no': ['Yes', 'No'],
  'yes-no-abstain': ['Yes', 'No', 'Abstain'],
  'true-false': ['True', 'False'],
  letters: ['A', 'B', 'C', 'D'],
};

const kindValues: Record<PollKindName, PollKind> = {
  'yes-no': PollKind.YES_NO,
  'yes-no-abstain': PollKind.YES_NO_ABSTAIN,
  'true-false': PollKind.TRUE_FALSE,
  letters: PollKind.LETTERS,
  custom: PollKind.CUSTOM,
  'free-text': PollKind.FREE_TEXT,
};
const statusValues = { open: PollStatus.OPEN, closed: PollStatus.CLOSED, published: PollStatus.PUBLISHED } as const;

export function kindName(kind: PollKind): PollKindName {
  return (Object.keys(kindValues) as PollKindName[]).find((name) => kindValues[name] === kind) ?? 'custom';
}

export function emptyClassroom(): ClassroomData {
  return { hands: [], calledOn: null, polls: [], chat: [], log: [], seq: 0, roster: idRecord(), savedAt: 0 };
}

/**
 * An object keyed by participant id, without a prototype: an id such as `__proto__` or `constructor` is only ever a
 * key here, never a way into `Object.prototype` (the core refuses such ids too; this holds for stored state as well).
 */
export function idRecord<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) if (isSafeKey(key)) record[key] = value;
  return record;
}

const ok: Outcome = { ok: true };
const unchanged: Outcome = { ok: true, unchanged: true };
const reject = (reason: string): Rejection => ({ ok: false, reason });

/** The open (or last) poll. */
export function currentPoll(data: ClassroomData): PollRecord | undefined {
  return data.polls.at(-1);
}

// ---- Hands ----

export function raiseHand(data: ClassroomData, participantId: string, name: string, now: number): Outcome {
  // Raising an already raised hand keeps its place: the queue is ordered by the first raise.
  if (data.hands.some((hand) => hand.participantId === participantId)) return reject('already raised');
  data.hands.push({ participantId, name, raisedAt: now, seq: ++data.seq });
  data.hands.sort((a, b) => a.raisedAt - b.raisedAt || a.seq - b.seq);
  data.log.push({ verb: 'raised-hand', at: now, actorId: participantId, actorName: name, detail: '' });
  return ok;
}

/** Lowers one hand: the member's own, or any hand when the teacher does it (`by` names the teacher). */
export function lowerHand(data: ClassroomData, participantId: string, now: number, by?: { id: string; name: string }): Outcome {
  const index = data.hands.findIndex((hand) => hand.participantId === participantId);
  if (index < 0) return reject('hand not raised');
  const [hand] = data.hands.splice(index, 1);
  data.log.push(
    by === undefined
      ? { verb: 'lowered-hand', at: now, actorId: participantId, actorName: hand!.name, detail: '' }
      : { verb: 'lowered-hand', at: now, actorId: by.id, actorName: by.name, detail: participantId },
  );
  return ok;
}

export function lowerAllHands(data: ClassroomData, now: number, by: { id: string; name: string }): Outcome {
  if (data.hands.length === 0) return reject('no hands raised');
  for (const hand of data.hands) data.log.push({ verb: 'lowered-hand', at: now, actorId: by.id, actorName: by.name, detail: hand.participantId });
  data.hands = [];
  return ok;
}

/** The teacher calls on a student: the hand leaves the queue and the student is shown as speaking. */
export function callOn(data: ClassroomData, participantId: string, now: number, by: { id: string; name: string }): Outcome {
  const hand = data.hands.find((h) => h.participantId === participantId);
  if (!hand) return reject('hand not raised');
  data.hands = data.hands.filter((h) => h !== hand);
  data.calledOn = { id: hand.participantId, name: hand.name };
  data.log.push({ verb: 'called-on', at: now, actorId: by.id, actorName: by.name, detail: participantId });
  return ok;
}

export function clearCalledOn(data: ClassroomData): Outcome {
  if (data.calledOn === null) return reject('nobody called on');
  data.calledOn = null;
  return ok;
}

// ---- Polls ----

export function openPoll(data: ClassroomData, spec: PollSpec, id: string, now: number): Outcome {
  const question = cleanText(spec.question, 500);
  if (question === '') return reject('a poll needs a question');
  const current = currentPoll(data);
  if (current?.status === 'open') return reject('another poll is open');
  let options: string[];
  if (spec.kind === 'custom') {
    options = (spec.options ?? []).map((option) => cleanText(option, 120)).filter((option) => option !== '');
    if (options.length < 2 || options.length > 10) return reject('a custom poll needs 2 to 10 options');
  } else if (spec.kind === 'free-text') {
    options = [];
  } else {
    options = [...presetOptions[spec.kind]];
  }
  const correct = [...new Set(spec.correct ?? [])].filter((i) => Number.isInteger(i) && i >= 0 && i < options.length);
  const duration = Math.max(0, Math.min(3600, Math.floor(spec.durationSeconds ?? 0)));
  data.polls.push({
    id,
    question,
    kind: spec.kind,
    options,
    multiple: spec.kind !== 'free-text' && spec.multiple === true,
    anonymous: spec.anonymous === true,
    status: 'open',
    ballots: idRecord(),
    openedAt: now,
    closedAt: 0,
    closesAt: duration > 0 ? now + duration * 1000 : 0,
    correct,
  });
  return ok;
}

/** Records (or replaces, or with no choices withdraws) a participant's ballot in the open poll. */
export function vote(data: ClassroomData, participantId: string, name: string, ballot: { pollId: string; choices: readonly number[]; text: string }, now: number): Outcome {
  const poll = currentPoll(data);
  if (!poll || poll.id !== ballot.pollId) return reject('no such poll');
  if (poll.status !== 'open') return reject('the poll is closed');
  if (poll.closesAt > 0 && now >= poll.closesAt) return reject('time is up');
  if (poll.kind === 'free-text') {
    const text = cleanText(ballot.text, maxFreeTextLength);
    if (poll.ballots[participantId]?.text === text) return unchanged;
    if (text === '') {
      delete poll.ballots[participantId];
      return ok;
    }
    poll.ballots[participantId] = { choices: [], text, name, at: now };
    return ok;
  }
  const choices = [...new Set(ballot.choices)].sort((a, b) => a - b);
  if (choices.some((choice) => !Number.isInteger(choice) || choice < 0 || choice >= poll.options.length)) return reject('no such option');
  if (!poll.multiple && choices.length > 1) return reject('one answer only');
  const before = poll.ballots[participantId];
  if ((before?.choices.join() ?? '') === choices.join()) return unchanged;
  if (choices.length === 0) {
    delete poll.ballots[participantId];
    return ok;
  }
  poll.ballots[participantId] = { choices, text: '', name, at: now };
  return ok;
}

export function closePoll(data: ClassroomData, now: number): Outcome {
  const poll = currentPoll(data);
  if (!poll || poll.status !== 'open') return reject('no open poll');
  poll.status = 'closed';
  poll.closedAt = now;
  return ok;
}

export function publishPoll(data: ClassroomData, now: number): Outcome {
  const poll = currentPoll(data);
  if (!poll || poll.status === 'published') return reject('nothing to publish');
  if (poll.status === 'open') closePoll(data, now);
  poll.status = 'published';
  return ok;
}

/** Closes the open quiz when its time is up. */
export function expirePoll(data: ClassroomData, now: number): Outcome {
  const poll = currentPoll(data);
  if (!poll || poll.status !== 'open' || poll.closesAt === 0 || now < poll.closesAt) return reject('not due');
  return closePoll(data, poll.closesAt);
}

/** People per option (a person counts once per option chosen), and how many people answered. */
export function tally(poll: PollRecord): { counts: number[]; respondents: number } {
  const counts = poll.options.map(() => 0);
  const ballots = Object.values(poll.ballots);
  for (const ballot of ballots) for (const choice of ballot.choices) counts[choice] = (counts[choice] ?? 0) + 1;
  return { counts, respondents: ballots.length };
}

// ---- Chat and reactions ----

export function postChat(data: ClassroomData, from: { id: string; name: string }, text: string, isPrivate: boolean, now: number): ChatMessage | Rejection {
  const clean = cleanText(text, maxChatLength, { multiline: true });
  if (clean === '') return reject('empty message');
  const message: ChatMessage = { id: `m${++data.seq}`, fromId: from.id, fromName: from.name, text: clean, at: now, private: isPrivate };
  data.chat.push(message);
  if (data.chat.length > chatKept) data.chat.splice(0, data.chat.length - chatKept);
  data.log.push({ verb: 'chatted', at: now, actorId: from.id, actorName: from.name, detail: clean });
  return message;
}

export function isReactionEmoji(emoji: string): boolean {
  return (reactionEmojis as readonly string[]).includes(emoji);
}

/** Records that a participant is here; true when the class has not seen them before (not a rejoin, nor a return after a teacher reload). */
export function notePresence(data: ClassroomData, who: { id: string; name: string }, now: number): boolean {
  const known = data.roster[who.id];
  if (known) {
    known.name = who.name;
    known.lastSeenAt = now;
    return false;
  }
  data.roster[who.id] = { name: who.name, firstJoinedAt: now, lastSeenAt: now };
  return true;
}

export function logPresence(data: ClassroomData, verb: 'joined' | 'left', who: { id: string; name: string }, now: number): void {
  data.log.push({ verb, at: now, actorId: who.id, actorName: who.name, detail: '' });
}

// ---- Snapshots sent to members ----

export function handQueue(data: ClassroomData): HandQueue {
  return {
    hands: data.hands.map(({ participantId, name, raisedAt }) => ({ participantId, name, raisedAt })),
    calledOn: data.calledOn?.id ?? '',
    calledOnName: data.calledOn?.name ?? '',
  };
}

/** The poll as members see it. Anonymous polls carry counts only: never who answered, nor who chose what. */
export function pollState(poll: PollRecord): PollState {
  const { counts, respondents } = tally(poll);
  const ballots = Object.entries(poll.ballots);
  return {
    id: poll.id,
    question: poll.question,
    kind: kindValues[poll.kind],
    options: poll.options,
    multiple: poll.multiple,
    anonymous: poll.anonymous,
    status: statusValues[poll.status],
    counts,
    respondents,
    // Sorted, so the order reveals nothing about who answered when.
    texts: ballots.map(([, ballot]) => ballot.text).filter((text) => text !== '').sort((a, b) => a.localeCompare(b)),
    answered: poll.anonymous ? [] : ballots.map(([id]) => id).sort(),
    closesAt: poll.closesAt,
    correct: poll.status === 'published' ? poll.correct : [],
    openedAt: poll.openedAt,
  };
}

/**
 * The poll as classmates see it. While an anonymous poll is open they get how many answered, never the running
 * counts or answers: a fresh tally after each ballot would tell them what the last voter chose. The full tally goes
 * out once the poll closes (or is published); the teacher sees it live on their own page.
 */
export function memberPollState(poll: PollRecord): PollState {
  const state = pollState(poll);
  if (!poll.anonymous || poll.status !== 'open') return state;
  return { ...state, counts: poll.options.map(() => 0), texts: [] };
}

export function ballotReceipt(poll: PollRecord, participantId: string): BallotReceipt {
  const ballot = poll.ballots[participantId];
  return { pollId: poll.id, choices: ballot?.choices ?? [], text: ballot?.text ?? '' };
}

/** The recent public chat (private messages stay between the sender and the teacher). */
export function chatHistory(data: ClassroomData): ChatMessage[] {
  return data.chat.filter((message) => !message.private).slice(-historySent);
}

/**
 * Parses stored state, or returns an empty classroom if it is missing, not ours, or (with `maxAgeMs`) saved longer
 * ago than that: yesterday's class is not resumed as today's.
 */
export function restoreClassroom(json: string | null, now = Date.now(), maxAgeMs = Number.POSITIVE_INFINITY): ClassroomData {
  if (json === null) return emptyClassroom();
  try {
    const data = JSON.parse(json) as Partial<ClassroomData>;
    if (!Array.isArray(data.hands) || !Array.isArray(data.polls) || !Array.isArray(data.chat) || !Array.isArray(data.log)) return emptyClassroom();
    const savedAt = Number(data.savedAt) || 0;
    if (savedAt > 0 && now - savedAt > maxAgeMs) return emptyClassroom();
    // Stored state is as untrusted as the wire: id-keyed parts come back without a prototype.
    const roster = idRecord(typeof data.roster === 'object' && data.roster !== null ? Object.entries(data.roster) : []);
    const polls = data.polls.map((poll: PollRecord) => ({ ...poll, ballots: idRecord(typeof poll.ballots === 'object' && poll.ballots !== null ? Object.entries(poll.ballots) : []) }));
    return { hands: data.hands, calledOn: data.calledOn ?? null, polls, chat: data.chat, log: data.log, seq: Number(data.seq) || 0, roster, savedAt };
  } catch {
    return emptyClassroom();
  }
}
