import { cleanText } from '@beckon/core';
import type { ChatMessage, HandQueue } from '../gen/classroom.ts';
import { restorePoll } from './polls.ts';
import { idRecord, ok, reject } from './records.ts';

/**
 * The classroom's one copy of the truth, kept by the host. Deterministic (the caller passes the clock) and
 * plain JSON, so the teacher's page can store it and get it back after a reload. Members never hold it: they
 * render the snapshots derived from it (`handQueue`, `pollState`, `chatHistory`).
 */
export type { ClassroomData, RosterEntry, HandRecord, PollKindName, Ballot, PollRecord, ResultsPolicyName, LogVerb, LogEntry, PollSpec, Rejection, Outcome } from './types.ts';
import type { ClassroomData, HandRecord, LogEntry, Outcome, PollRecord, PollSpec, Rejection } from './types.ts';

export const reactionEmojis = ['👍', '👏', '😂', '😮', '❤️', '🤔', '🐢', '🐇'] as const;
export const maxChatLength = 1000;
const chatKept = 500;
const historySent = 100;

export function emptyClassroom(): ClassroomData {
  return { hands: [], calledOn: null, polls: [], chat: [], log: [], seq: 0, roster: idRecord(), savedAt: 0 };
}

export { idRecord } from './records.ts';
export * from './polls.ts';


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
      : { verb: 'lowered-hand', at: now, actorId: by.id, actorName: by.name, detail: participantId, targetId: participantId, targetName: hand!.name },
  );
  return ok;
}

export function lowerAllHands(data: ClassroomData, now: number, by: { id: string; name: string }): Outcome {
  if (data.hands.length === 0) return reject('no hands raised');
  for (const hand of data.hands) data.log.push({ verb: 'lowered-hand', at: now, actorId: by.id, actorName: by.name, detail: hand.participantId, targetId: hand.participantId, targetName: hand.name });
  data.hands = [];
  return ok;
}

/** The teacher calls on a student: the hand leaves the queue and the student is shown as speaking. */
export function callOn(data: ClassroomData, participantId: string, now: number, by: { id: string; name: string }): Outcome {
  const hand = data.hands.find((h) => h.participantId === participantId);
  if (!hand) return reject('hand not raised');
  data.hands = data.hands.filter((h) => h !== hand);
  data.calledOn = { id: hand.participantId, name: hand.name };
  data.log.push({ verb: 'called-on', at: now, actorId: by.id, actorName: by.name, detail: participantId, targetId: participantId, targetName: hand.name });
  return ok;
}

export function clearCalledOn(data: ClassroomData): Outcome {
  if (data.calledOn === null) return reject('nobody called on');
  data.calledOn = null;
  return ok;
}

// ---- Chat and reactions ----

/**
 * Posts a message: public, private from a student to the teacher, or (with `to`) the teacher's private reply to one
 * student.
 */
export function postChat(
  data: ClassroomData,
  from: { id: string; name: string },
  text: string,
  isPrivate: boolean,
  now: number,
  to?: { id: string; name: string },
): ChatMessage | Rejection {
  const clean = cleanText(text, maxChatLength, { multiline: true });
  if (clean === '') return reject('empty message');
  const message: ChatMessage = { id: `m${++data.seq}`, fromId: from.id, fromName: from.name, text: clean, at: now, private: isPrivate || to !== undefined, toId: to?.id ?? '', toName: to?.name ?? '' };
  data.chat.push(message);
  if (data.chat.length > chatKept) data.chat.splice(0, data.chat.length - chatKept);
  data.log.push({ verb: 'chatted', at: now, actorId: from.id, actorName: from.name, detail: clean, messageId: message.id, private: message.private, targetId: message.toId, targetName: message.toName });
  return message;
}

/** Teacher: deletes a message for everyone. The log keeps that it was deleted, not what it said. */
export function deleteChat(data: ClassroomData, id: string, now: number, by: { id: string; name: string }): ChatMessage | Rejection {
  const index = data.chat.findIndex((message) => message.id === id);
  if (index < 0) return reject('no such message');
  const [message] = data.chat.splice(index, 1);
  for (const entry of data.log) if (entry.verb === 'chatted' && entry.messageId === id) entry.detail = '';
  data.log.push({ verb: 'deleted-message', at: now, actorId: by.id, actorName: by.name, detail: message!.fromId, messageId: id });
  return message!;
}

/** The private messages between the teacher and this student (sent to the student on rejoin). */
export function privateChatFor(data: ClassroomData, participantId: string): ChatMessage[] {
  return data.chat.filter((message) => message.private && (message.fromId === participantId || message.toId === participantId));
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
    const polls = data.polls.filter((poll) => typeof poll === 'object' && poll !== null).map((poll: PollRecord) => restorePoll(poll));
    return { hands: data.hands, calledOn: data.calledOn ?? null, polls, chat: data.chat, log: data.log, seq: Number(data.seq) || 0, roster, savedAt };
  } catch {
    return emptyClassroom();
  }
}
