import { describe, expect, it } from 'vitest';
import { PollStatus } from '../gen/classroom.ts';
import {
  callOn,
  chatHistory,
  closePoll,
  emptyClassroom,
  expirePoll,
  handQueue,
  lowerAllHands,
  lowerHand,
  notePresence,
  openPoll,
  pollState,
  postChat,
  publishPoll,
  raiseHand,
  restoreClassroom,
  tally,
  vote,
} from './classroom-state.ts';
import type { ClassroomData, PollRecord } from './classroom-state.ts';

const teacher = { id: 't', name: 'Ms Rivera' };

function poll(data: ClassroomData): PollRecord {
  return data.polls.at(-1)!;
}

describe('hand queue', () => {
  it('orders hands by the time the host received them, ties by arrival, and keeps a re-raise in place', () => {
    const data = emptyClassroom();
    raiseHand(data, 'b', 'Bo', 200);
    raiseHand(data, 'a', 'Al', 100);
    raiseHand(data, 'c', 'Cy', 200);
    expect(raiseHand(data, 'a', 'Al', 300)).toEqual({ ok: false, reason: 'already raised' });
    expect(handQueue(data).hands.map((h) => h.participantId)).toEqual(['a', 'b', 'c']);
    expect(handQueue(data).hands[0]).toEqual({ participantId: 'a', name: 'Al', raisedAt: 100 });
  });

  it('lowers own hand, one hand by the teacher, calls on one, and lowers all', () => {
    const data = emptyClassroom();
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) raiseHand(data, id, id.toUpperCase(), i);
    expect(lowerHand(data, 'b', 10).ok).toBe(true);
    expect(lowerHand(data, 'b', 11).ok).toBe(false);
    expect(lowerHand(data, 'c', 12, teacher).ok).toBe(true);
    expect(callOn(data, 'd', 13, teacher).ok).toBe(true);
    expect(handQueue(data)).toEqual({ hands: [{ participantId: 'a', name: 'A', raisedAt: 0 }], calledOn: 'd', calledOnName: 'D' });
    expect(lowerAllHands(data, 14, teacher).ok).toBe(true);
    expect(handQueue(data).hands).toEqual([]);
    expect(data.log.map((e) => `${e.verb}:${e.actorId}:${e.detail}`)).toEqual([
      'raised-hand:a:', 'raised-hand:b:', 'raised-hand:c:', 'raised-hand:d:',
      'lowered-hand:b:', 'lowered-hand:t:c', 'called-on:t:d', 'lowered-hand:t:a',
    ]);
  });

  it('survives a round trip through storage (a teacher reload)', () => {
    const data = emptyClassroom();
    raiseHand(data, 'a', 'Al', 5);
    raiseHand(data, 'b', 'Bo', 7);
    const restored = restoreClassroom(JSON.stringify(data));
    raiseHand(restored, 'c', 'Cy', 7);
    expect(handQueue(restored).hands.map((h) => h.participantId)).toEqual(['a', 'b', 'c']);
    expect(restoreClassroom('{"nope":1}')).toEqual(emptyClassroom());
    expect(restoreClassroom('not json')).toEqual(emptyClassroom());
  });
});

describe('polls', () => {
  it('has every kind, with its options', () => {
    const kinds = { 'yes-no': ['Yes', 'No'], 'yes-no-abstain': ['Yes', 'No', 'Abstain'], 'true-false': ['True', 'False'], letters: ['A', 'B', 'C', 'D'], 'free-text': [] } as const;
    for (const [kind, options] of Object.entries(kinds)) {
      const data = emptyClassroom();
      expect(openPoll(data, { question: 'Q?', kind: kind as keyof typeof kinds }, 'p', 0).ok).toBe(true);
      expect(poll(data).options).toEqual(options);
    }
    const data = emptyClassroom();
    expect(openPoll(data, { question: 'Q?', kind: 'custom', options: ['only one'] }, 'p', 0)).toEqual({ ok: false, reason: 'a custom poll needs 2 to 10 options' });
    expect(openPoll(data, { question: '  ', kind: 'yes-no' }, 'p', 0).ok).toBe(false);
    expect(openPoll(data, { question: 'Pick', kind: 'custom', options: ['Red', ' ', 'Blue'] }, 'p', 0).ok).toBe(true);
    expect(poll(data).options).toEqual(['Red', 'Blue']);
    expect(openPoll(data, { question: 'Another', kind: 'yes-no' }, 'q', 0)).toEqual({ ok: false, reason: 'another poll is open' });
  });

  it('counts people, not selections; one changeable ballot each until close', () => {
    const data = emptyClassroom();
    openPoll(data, { question: 'Which are prime?', kind: 'custom', options: ['2', '9', '11', '15'], multiple: true }, 'p1', 0);
    vote(data, 'a', 'Al', { pollId: 'p1', choices: [0, 2, 2], text: '' }, 1);
    vote(data, 'b', 'Bo', { pollId: 'p1', choices: [0], text: '' }, 2);
    vote(data, 'c', 'Cy', { pollId: 'p1', choices: [1], text: '' }, 3);
    vote(data, 'c', 'Cy', { pollId: 'p1', choices: [0, 2], text: '' }, 4); // changed
    expect(vote(data, 'd', 'Di', { pollId: 'p1', choices: [7], text: '' }, 5)).toEqual({ ok: false, reason: 'no such option' });
    expect(vote(data, 'd', 'Di', { pollId: 'old', choices: [0], text: '' }, 5).ok).toBe(false);
    expect(tally(poll(data))).toEqual({ counts: [3, 0, 2, 0], respondents: 3 });
    const state = pollState(poll(data));
    expect(state.answered).toEqual(['a', 'b', 'c']);
    expect(state.status).toBe(PollStatus.OPEN);
    closePoll(data, 6);
    expect(vote(data, 'a', 'Al', { pollId: 'p1', choices: [1], text: '' }, 7)).toEqual({ ok: false, reason: 'the poll is closed' });
    expect(tally(poll(data)).counts).toEqual([3, 0, 2, 0]);
    publishPoll(data, 8);
    expect(pollState(poll(data)).status).toBe(PollStatus.PUBLISHED);
  });

  it('refuses several answers in a single-answer poll and withdraws an empty ballot', () => {
    const data = emptyClassroom();
    openPoll(data, { question: 'A–D?', kind: 'letters' }, 'p', 0);
    expect(vote(data, 'a', 'Al', { pollId: 'p', choices: [0, 1], text: '' }, 1)).toEqual({ ok: false, reason: 'one answer only' });
    vote(data, 'a', 'Al', { pollId: 'p', choices: [3], text: '' }, 1);
    vote(data, 'a', 'Al', { pollId: 'p', choices: [], text: '' }, 2);
    expect(tally(poll(data))).toEqual({ counts: [0, 0, 0, 0], respondents: 0 });
  });

  it('keeps anonymous polls anonymous: counts and sorted texts only', () => {
    const data = emptyClassroom();
    openPoll(data, { question: 'How confident are you?', kind: 'free-text', anonymous: true }, 'p', 0);
    vote(data, 'z', 'Zed', { pollId: 'p', choices: [], text: 'very <b>much</b>' }, 1);
    vote(data, 'a', 'Al', { pollId: 'p', choices: [], text: 'a bit' }, 2);
    const state = pollState(poll(data));
    expect(state.texts).toEqual(['a bit', 'very <b>much</b>']);
    expect(state.answered).toEqual([]);
    expect(state.respondents).toBe(2);
    expect(JSON.stringify(state)).not.toMatch(/Zed|Al\b|"z"|"a"/);
  });

  it('closes a quiz when its time is up and reveals the answer only once published', () => {
    const data = emptyClassroom();
    openPoll(data, { question: '7 × 8?', kind: 'custom', options: ['54', '56', '58'], durationSeconds: 30, correct: [1] }, 'q', 1000);
    expect(poll(data).closesAt).toBe(31_000);
    expect(pollState(poll(data)).correct).toEqual([]);
    expect(expirePoll(data, 30_999).ok).toBe(false);
    expect(vote(data, 'a', 'Al', { pollId: 'q', choices: [1], text: '' }, 31_000)).toEqual({ ok: false, reason: 'time is up' });
    expect(expirePoll(data, 31_000).ok).toBe(true);
    expect(poll(data).status).toBe('closed');
    publishPoll(data, 32_000);
    expect(pollState(poll(data)).correct).toEqual([1]);
  });
});

describe('chat', () => {
  it('keeps private messages out of the public history and strips control characters', () => {
    const data = emptyClassroom();
    const message = postChat(data, { id: 'a', name: 'Al' }, ' hi\u202e there\u0007 ', false, 1);
    expect(message).toMatchObject({ text: 'hi there', fromName: 'Al', private: false });
    postChat(data, { id: 'b', name: 'Bo' }, 'I am lost', true, 2);
    expect(postChat(data, { id: 'b', name: 'Bo' }, '   ', false, 3)).toEqual({ ok: false, reason: 'empty message' });
    expect(chatHistory(data).map((m) => m.text)).toEqual(['hi there']);
  });
});

describe('durability', () => {
  it('resumes a stored class within its keep time, with its roster, and starts afresh after it', () => {
    const data = emptyClassroom();
    expect(notePresence(data, { id: 'a', name: 'Al' }, 10)).toBe(true);
    expect(notePresence(data, { id: 'a', name: 'Al B' }, 20)).toBe(false);
    data.savedAt = 1_000;
    const json = JSON.stringify(data);
    const resumed = restoreClassroom(json, 1_000 + 3600_000, 12 * 3600_000);
    expect(resumed.roster).toEqual({ a: { name: 'Al B', firstJoinedAt: 10, lastSeenAt: 20 } });
    expect(restoreClassroom(json, 1_000 + 13 * 3600_000, 12 * 3600_000)).toEqual(emptyClassroom());
  });

  it('takes a ballot sent again as no change, so a re-sent vote is neither counted twice nor broadcast again', () => {
    const data = emptyClassroom();
    openPoll(data, { question: 'Q?', kind: 'letters' }, 'p', 0);
    expect(vote(data, 'a', 'Al', { pollId: 'p', choices: [2], text: '' }, 1)).toEqual({ ok: true });
    expect(vote(data, 'a', 'Al', { pollId: 'p', choices: [2], text: '' }, 2)).toEqual({ ok: true, unchanged: true });
    expect(tally(poll(data))).toEqual({ counts: [0, 0, 1, 0], respondents: 1 });
    expect(poll(data).ballots['a']!.at).toBe(1);
  });
});

describe('hostile ids and text', () => {
  it('keeps prototype-key ids as plain keys: no pollution, no throw', () => {
    const data = emptyClassroom();
    for (const id of ['__proto__', 'constructor', 'toString']) {
      expect(notePresence(data, { id, name: 'Protoman' }, 1)).toBe(true);
      expect(notePresence(data, { id, name: 'Protoman' }, 2)).toBe(false);
    }
    openPoll(data, { question: 'Q?', kind: 'yes-no' }, 'p1', 1);
    expect(vote(data, '__proto__', 'Protoman', { pollId: 'p1', choices: [0], text: '' }, 2)).toEqual({ ok: true });
    expect(vote(data, 'constructor', 'Protoman', { pollId: 'p1', choices: [1], text: '' }, 2)).toEqual({ ok: true });
    expect(tally(poll(data))).toEqual({ counts: [1, 1], respondents: 2 });
    expect(({} as Record<string, unknown>)['name']).toBeUndefined();
    expect(({} as Record<string, unknown>)['lastSeenAt']).toBeUndefined();
  });

  it('restores stored state without letting its keys reach Object.prototype', () => {
    const stored = '{"hands":[],"polls":[{"id":"p","ballots":{"__proto__":{"choices":[0]}}}],"chat":[],"log":[],"roster":{"__proto__":{"polluted":"yes"},"ada":{"name":"Ada"}}}';
    const data = restoreClassroom(stored);
    expect(Object.getPrototypeOf(data.roster)).toBeNull();
    expect(Object.keys(data.roster)).toEqual(['ada']);
    expect(Object.getPrototypeOf(poll(data).ballots)).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('cleans lookalike text with the core cleaner: chat keeps line breaks, options lose zero-width marks', () => {
    const data = emptyClassroom();
    const posted = postChat(data, { id: 'a', name: 'Ada' }, 'hi\u200b\nthere\u202e', false, 1);
    expect('text' in posted && posted.text).toBe('hi\nthere');
    openPoll(data, { question: 'Pick\u200d', kind: 'custom', options: ['A\u2060', '\u200b', 'B'] }, 'p', 1);
    expect(poll(data).question).toBe('Pick');
    expect(poll(data).options).toEqual(['A', 'B']);
  });
});
