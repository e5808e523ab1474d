// Classroom v2 (issue #16): truthful ballots, results policies, moderation, published polls for late joiners,
// private replies and deletion, and class-scale coalescing — each over a real room on the in-memory network.
import type { HostRoom } from '@beckon/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PollState, PollStatus, PollTally } from '../gen/classroom.ts';
import { loopbackClass, MemoryStorage, until } from '../test-utils/loopback-class.ts';

let lesson = loopbackClass();
afterEach(async () => {
  await lesson.cleanup();
  lesson = loopbackClass();
});

describe('truthful ballots', () => {
  it('says "recorded" only after the host accepted it; a refused ballot says why and records nothing', async () => {
    const host = lesson.teacher();
    const ada = await lesson.student('Ada');
    host.openPoll({ question: 'Which are even?', kind: 'letters', multiple: true });
    await until(() => ada.poll !== undefined, 'the poll');
    host.closePoll();
    host.openPoll({ question: 'Ready?', kind: 'yes-no' });
    await until(() => ada.poll?.question === 'Ready?', 'the next poll');
    // The old picks of the several-answers poll, sent to a yes/no poll: the host refuses them.
    expect(ada.vote([0, 3])).toBe(true);
    expect(ada.ballotStatus).toMatchObject({ state: 'sending' });
    expect(ada.ballot).toBeUndefined();
    await until(() => ada.ballotStatus?.state !== 'sending', 'the verdict');
    expect(ada.ballotStatus).toMatchObject({ state: 'refused', choices: [0, 3], reason: expect.stringMatching(/no such option/) });
    expect(ada.ballot).toBeUndefined();
    expect(host.poll?.respondents).toBe(0);
    // Editable: she fixes it and votes again.
    ada.vote([1]);
    await until(() => ada.ballotStatus?.state === 'recorded', 'recorded');
    expect(ada.ballot).toMatchObject({ choices: [1] });
    await until(() => host.poll?.respondents === 1, 'counted');
  });

  it('starts every new poll with nothing recorded', async () => {
    const host = lesson.teacher();
    const ada = await lesson.student('Ada');
    host.openPoll({ question: 'One?', kind: 'yes-no' });
    await until(() => ada.poll !== undefined, 'the poll');
    ada.vote([0]);
    await until(() => ada.ballotStatus?.state === 'recorded', 'recorded');
    host.closePoll();
    host.openPoll({ question: 'Two?', kind: 'yes-no' });
    await until(() => ada.poll?.question === 'Two?', 'the next poll');
    expect(ada.ballot).toBeUndefined();
    expect(ada.ballotStatus).toBeUndefined();
  });
});

describe('results policy', () => {
  it('after-answer: a student sees the results once her own answer is in; after-publish: once published; live: always', async () => {
    const host = lesson.teacher();
    const ada = await lesson.student('Ada');
    const ben = await lesson.student('Ben');
    host.openPoll({ question: 'After answer?', kind: 'true-false' });
    await until(() => ada.poll !== undefined && ben.poll !== undefined, 'the poll');
    ada.vote([0]);
    await until(() => ada.poll?.withheld === false && ben.poll?.respondents === 1, 'Ada sees, Ben sees a count');
    expect(ada.poll?.counts).toEqual([1, 0]);
    expect(ben.poll).toMatchObject({ withheld: true, counts: [0, 0] });
    host.closePoll();

    host.openPoll({ question: 'Quiz', kind: 'true-false', correct: [1] });
    await until(() => ada.poll?.question === 'Quiz', 'the quiz');
    expect(host.poll?.results).toBe(2);
    ada.vote([1]);
    ben.vote([0]);
    await until(() => host.poll?.respondents === 2 && ada.poll?.respondents === 2, 'both answered');
    expect(ada.poll).toMatchObject({ withheld: true, counts: [0, 0], correct: [] });
    host.publishPoll();
    await until(() => ada.poll?.status === PollStatus.PUBLISHED, 'published');
    expect(ada.poll).toMatchObject({ withheld: false, counts: [1, 1], correct: [1] });

    host.openPoll({ question: 'Live', kind: 'yes-no', results: 'live' });
    await until(() => ben.poll?.question === 'Live', 'the live poll');
    ada.vote([0]);
    await until(() => ben.poll?.counts.join() === '1,0', 'Ben watches it live');
  });

  it('free text: classmates see only answers the teacher approved, and an edited answer needs approval again', async () => {
    const host = lesson.teacher();
    const ada = await lesson.student('Ada');
    const ben = await lesson.student('Ben');
    host.openPoll({ question: 'Why?', kind: 'free-text', results: 'live' });
    await until(() => ada.poll !== undefined && ben.poll !== undefined, 'the poll');
    ada.vote([], 'common denominators');
    ben.vote([], 'something rude');
    await until(() => host.answers.length === 2 && ben.poll?.respondents === 2, 'two answers');
    expect(host.answers.map((a) => [a.name, a.text, a.approved])).toEqual([
      ['Ada', 'common denominators', false],
      ['Ben', 'something rude', false],
    ]);
    expect(ben.poll?.texts).toEqual([]);
    expect(host.moderateAnswer(ada.selfId, true)).toBe(true);
    await until(() => ben.poll?.texts.length === 1, 'the approved answer');
    expect(ben.poll?.texts).toEqual(['common denominators']);
    ada.vote([], 'changed my mind');
    await until(() => ben.poll?.texts.length === 0, 'the edited answer hidden again');
    host.publishPoll();
    await until(() => ben.poll?.status === PollStatus.PUBLISHED, 'published');
    expect(ben.poll?.texts).toEqual([]);
  });
});

describe('published polls', () => {
  it('shows late joiners and reloaded students every published poll with its results', async () => {
    const host = lesson.teacher();
    const ada = await lesson.student('Ada');
    host.openPoll({ question: 'First', kind: 'yes-no' });
    await until(() => ada.poll !== undefined, 'the poll');
    ada.vote([1]);
    await until(() => host.poll?.respondents === 1, 'counted');
    host.publishPoll();
    host.openPoll({ question: 'Second', kind: 'letters' });
    const late = await lesson.student('Late Lou');
    await until(() => late.published.length === 1 && late.poll?.question === 'Second', 'history and current poll');
    expect(late.published[0]).toMatchObject({ question: 'First', status: PollStatus.PUBLISHED, counts: [0, 1], respondents: 1, withheld: false, answered: [] });
  });
});

describe('a teacher reload', () => {
  it('keeps a running quiz timer: the quiz still closes when its time is up, for everyone', async () => {
    const storage = new MemoryStorage();
    const first = lesson.teacher(storage);
    const ada = await lesson.student('Ada');
    first.openPoll({ question: 'Quick!', kind: 'true-false', durationSeconds: 1 });
    await until(() => ada.poll?.status === PollStatus.OPEN, 'the quiz');
    const closesAt = ada.poll!.closesAt;
    await (first.room as HostRoom).close();
    first.dispose();
    const second = lesson.teacher(storage);
    expect(second.poll).toMatchObject({ status: PollStatus.OPEN, closesAt });
    await until(() => second.poll?.status === PollStatus.CLOSED, 'closed by its timer after the reload', 4000);
    await until(() => ada.poll?.status === PollStatus.CLOSED, 'closed at Ada', 8000);
    expect(second.data!.polls.at(-1)!.closedAt).toBe(closesAt);
  });
});

describe('chat', () => {
  it('lets the teacher reply privately to a private question, and delete a message for everyone', async () => {
    const host = lesson.teacher();
    const ada = await lesson.student('Ada');
    const ben = await lesson.student('Ben');
    ada.sendChat('I do not get it', { private: true });
    await until(() => host.chat.length === 1, 'the private question');
    expect(host.sendChat('Stay after class and I will show you', { to: ada.selfId })).toBe(true);
    await until(() => ada.chat.length === 2, 'the reply at Ada');
    expect(ada.chat[1]).toMatchObject({ private: true, toId: ada.selfId, toName: 'Ada', fromName: 'Ms Rivera' });
    ben.sendChat('lol rude thing');
    await until(() => ada.chat.length === 3 && ben.chat.length === 1, 'the public message');
    expect(ben.chat.some((m) => m.private)).toBe(false);
    const rude = host.chat.find((m) => m.text === 'lol rude thing')!;
    expect(ada.deleteChat(rude.id)).toBe(false);
    expect(host.deleteChat(rude.id)).toBe(true);
    await until(() => ada.chat.length === 2 && ben.chat.length === 0, 'deleted everywhere');
    // A late joiner never sees it, and the log keeps that it was deleted, not what it said.
    const late = await lesson.student('Late Lou');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(late.chat).toEqual([]);
    expect(JSON.stringify(host.data!.log)).not.toContain('lol rude thing');
  });
});

describe('a class answering at once', () => {
  it('30 students vote together: every tally matches the teacher, in far fewer updates than votes, saved once or twice', async () => {
    const storage = new MemoryStorage();
    const host = lesson.teacher(storage);
    const students = await Promise.all(Array.from({ length: 30 }, (_, i) => lesson.student(`Student ${i + 1}`)));
    host.openPoll({ question: 'Pick one', kind: 'letters', results: 'live' });
    await until(() => students.every((s) => s.poll !== undefined), 'the poll everywhere');
    const updates = students.map(() => 0);
    let wholePolls = 0;
    students.forEach((s, i) =>
      s.room.on(PollTally, () => updates[i]!++),
    );
    students[0]!.room.on(PollState, () => wholePolls++);
    const writesBefore = storage.writes;
    students.forEach((s, i) => s.vote([i % 4]));
    await until(() => host.poll?.respondents === 30, 'all votes at the teacher');
    await until(() => students.every((s) => s.poll?.counts.join() === host.poll!.counts.join()), 'every tally equal to the teacher’s', 5000);
    expect(host.poll?.counts).toEqual([8, 8, 7, 7]);
    // Every student is told "recorded" by the host's verdict (which may come after the tally).
    await until(() => students.every((s) => s.ballotStatus?.state === 'recorded'), 'every verdict', 5000);
    // Coalesced: far fewer than one update per vote, each only the tally (no whole poll, no ids).
    expect(Math.max(...updates)).toBeLessThan(15);
    expect(wholePolls).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(storage.writes - writesBefore).toBeLessThanOrEqual(3);
  });
});
