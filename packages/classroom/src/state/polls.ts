import { cleanText } from '@beckon/core';
import { PollKind, PollStatus, ResultsPolicy } from '../gen/classroom.ts';
import type { BallotReceipt, PollState, PollTally } from '../gen/classroom.ts';
import type { ClassroomData, Outcome, PollKindName, PollRecord, PollSpec, ResultsPolicyName } from './types.ts';
import { idRecord, ok, reject, unchanged } from './records.ts';

export const maxFreeTextLength = 280;

export const presetOptions: Record<Exclude<PollKindName, 'custom' | 'free-text'>, readonly string[]> = {
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
const resultsValues: Record<ResultsPolicyName, ResultsPolicy> = {
  'after-answer': ResultsPolicy.RESULTS_AFTER_ANSWER,
  'after-publish': ResultsPolicy.RESULTS_AFTER_PUBLISH,
  live: ResultsPolicy.RESULTS_LIVE,
};

export function kindName(kind: PollKind): PollKindName {
  return (Object.keys(kindValues) as PollKindName[]).find((name) => kindValues[name] === kind) ?? 'custom';
}

export function resultsName(results: ResultsPolicy): ResultsPolicyName {
  return (Object.keys(resultsValues) as ResultsPolicyName[]).find((name) => resultsValues[name] === results) ?? 'after-publish';
}

/** The open (or last) poll. */
export function currentPoll(data: ClassroomData): PollRecord | undefined {
  return data.polls.at(-1);
}

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
  } else if (spec.kind in presetOptions) {
    options = [...presetOptions[spec.kind]];
  } else {
    return reject('no such kind of poll');
  }
  const correct = [...new Set(spec.correct ?? [])].filter((i) => Number.isInteger(i) && i >= 0 && i < options.length);
  const duration = Math.max(0, Math.min(3600, Math.floor(spec.durationSeconds ?? 0))) || 0;
  const anonymous = spec.anonymous === true;
  // A quiz or an anonymous poll shows nothing to students until the teacher publishes: no copying, no pile-on.
  const results = spec.results && spec.results in resultsValues ? spec.results : anonymous || correct.length > 0 || duration > 0 ? 'after-publish' : 'after-answer';
  data.polls.push({
    id,
    question,
    kind: spec.kind,
    options,
    multiple: spec.kind !== 'free-text' && spec.multiple === true,
    anonymous,
    status: 'open',
    ballots: idRecord(),
    openedAt: now,
    closedAt: 0,
    closesAt: duration > 0 ? now + duration * 1000 : 0,
    correct,
    results,
    approved: idRecord(),
  });
  return ok;
}

/** Records (or replaces, or with no choices withdraws) a participant's ballot in the open poll. */
export function vote(data: ClassroomData, participantId: string, name: string, ballot: { pollId: string; choices: readonly number[]; text: string }, now: number): Outcome {
  const poll = currentPoll(data);
  if (!poll || poll.id !== ballot.pollId) return reject('this poll is over: a new one has started');
  if (poll.status !== 'open') return reject('the poll is closed');
  if (poll.closesAt > 0 && now >= poll.closesAt) return reject('time is up');
  if (poll.kind === 'free-text') {
    const text = cleanText(ballot.text, maxFreeTextLength);
    if (poll.ballots[participantId]?.text === text) return unchanged;
    // A changed answer needs the teacher's approval again before classmates see it.
    delete poll.approved[participantId];
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

/** Teacher: lets a free-text answer be seen by the class (or hides it again). */
export function moderateAnswer(data: ClassroomData, pollId: string, participantId: string, approve: boolean): Outcome {
  const poll = data.polls.find((p) => p.id === pollId);
  if (!poll || poll.kind !== 'free-text') return reject('no such poll');
  if (!poll.ballots[participantId]) return reject('no such answer');
  if (approve === (poll.approved[participantId] === true)) return unchanged;
  if (approve) poll.approved[participantId] = true;
  else delete poll.approved[participantId];
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

/** Whether the results policy lets this student see the counts and answers now. */
export function maySee(poll: PollRecord, participantId: string): boolean {
  if (poll.status === 'published') return true;
  // While an anonymous poll is open a fresh tally after each ballot would tell classmates what the last voter chose.
  if (poll.anonymous && poll.status === 'open') return false;
  if (poll.results === 'live') return true;
  return poll.results === 'after-answer' && poll.ballots[participantId] !== undefined;
}

/** The free-text answers classmates may see: the approved ones, sorted so their order says nothing about who wrote them. */
function approvedTexts(poll: PollRecord): string[] {
  return Object.entries(poll.ballots)
    .filter(([id, ballot]) => poll.approved[id] === true && ballot.text !== '')
    .map(([, ballot]) => ballot.text)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * The poll as the teacher sees it: every count, every answer, and (unless anonymous) who answered. Only the
 * teacher's own page renders this; it never goes on the wire.
 */
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
    texts: ballots.map(([, ballot]) => ballot.text).filter((text) => text !== '').sort((a, b) => a.localeCompare(b)),
    answered: poll.anonymous ? [] : ballots.map(([id]) => id).sort(),
    closesAt: poll.closesAt,
    correct: poll.status === 'published' ? poll.correct : [],
    openedAt: poll.openedAt,
    results: resultsValues[poll.results],
    withheld: false,
  };
}

/**
 * The poll as one student sees it. Never who answered (that is the teacher's); the counts and approved answers only
 * when the results policy allows (`withheld` otherwise); how many answered, always.
 */
export function memberPollState(poll: PollRecord, participantId: string): PollState {
  return memberPollView(poll, maySee(poll, participantId));
}

/** The poll as students see it, with the results (`visible`) or without them. */
export function memberPollView(poll: PollRecord, visible: boolean): PollState {
  const state = pollState(poll);
  return { ...state, answered: [], counts: visible ? state.counts : poll.options.map(() => 0), texts: visible ? approvedTexts(poll) : [], withheld: !visible };
}

/** The results as one student may see them now: the change sent after ballots, instead of the whole poll. */
export function memberTally(poll: PollRecord, visible: boolean): PollTally {
  const state = memberPollView(poll, visible);
  return { pollId: poll.id, counts: state.counts, respondents: state.respondents, texts: state.texts, withheld: state.withheld };
}

/** Every published poll, as every student sees it (published results are for all). */
export function publishedPolls(data: ClassroomData): PollState[] {
  return data.polls.filter((poll) => poll.status === 'published').map((poll) => memberPollView(poll, true));
}

export function ballotReceipt(poll: PollRecord, participantId: string): BallotReceipt {
  const ballot = poll.ballots[participantId];
  return { pollId: poll.id, choices: ballot?.choices ?? [], text: ballot?.text ?? '' };
}

/** Older stored polls lack the newer fields: they come back with the defaults. */
export function restorePoll(poll: PollRecord): PollRecord {
  const results: ResultsPolicyName = poll.results in resultsValues ? poll.results : 'after-publish';
  return { ...poll, ballots: idRecord(Object.entries(poll.ballots ?? {})), approved: idRecord(Object.entries(poll.approved ?? {})), results };
}
