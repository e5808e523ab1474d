import { hostRoom, joinRoom } from '@beckon/core';
import type { HostRoom, Identity, MemberRoom } from '@beckon/core';
import { LoopbackNetwork, memberSession } from '@beckon/core/testing';
import type { LoopbackTransport } from '@beckon/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HandQueue, PollState, PollStatus, SetHand, Vote } from '../gen/classroom.ts';
import { Classroom, classroomTypes } from './classroom.ts';

const until = async (check: () => boolean, what: string, timeoutMs = 3000): Promise<void> => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let peerCount = 0;
function teacher(network: LoopbackNetwork, storage: MemoryStorage, hostPeer = 'host'): Classroom {
  const room = hostRoom({ transport: network.transport(hostPeer), types: classroomTypes, name: 'Ms Rivera', room: 'lesson', participantId: 'teacher' });
  const classroom = new Classroom(room, { storage });
  cleanups.push(() => room.close());
  return classroom;
}

async function student(network: LoopbackNetwork, name: string, identity?: Identity): Promise<Classroom> {
  let classroom: Classroom | undefined;
  const options = { transport: network.transport(`peer-${++peerCount}`), hostId: 'host', name, ...(identity ? { identity } : {}) };
  const room = await joinRoom(options, (r) => {
    classroom = new Classroom(r);
  });
  cleanups.push(() => room.leave());
  return classroom!;
}

describe('Classroom over a room', () => {
  it('runs hands, a poll and chat between a teacher and three students, exactly', async () => {
    const network = new LoopbackNetwork();
    const storage = new MemoryStorage();
    const host = teacher(network, storage);
    const ada = await student(network, 'Ada');
    const ben = await student(network, 'Ben');
    const cai = await student(network, 'Cai');
    const everyone = [host, ada, ben, cai];

    ben.setHand(true);
    await until(() => host.hands.hands.length === 1, 'first hand');
    ada.setHand(true);
    await until(() => host.hands.hands.length === 2, 'second hand');
    cai.setHand(true);
    await until(() => everyone.every((c) => c.hands.hands.length === 3), 'all hands everywhere');
    expect(ada.hands.hands.map((h) => h.name)).toEqual(['Ben', 'Ada', 'Cai']);
    expect(ben.handRaised).toBe(true);

    ada.setHand(false);
    host.callOn(ben.selfId);
    await until(() => cai.hands.hands.length === 1 && cai.hands.calledOn === ben.selfId, 'lowered and called on');
    expect(cai.hands.calledOnName).toBe('Ben');

    expect(ada.lowerAllHands()).toBe(false); // a student cannot

    host.openPoll({ question: 'Which are prime?', kind: 'custom', options: ['2', '9', '11'], multiple: true, results: 'live' });
    await until(() => everyone.every((c) => c.poll?.status === PollStatus.OPEN), 'poll open everywhere');
    ada.vote([0, 2]);
    ben.vote([1]);
    ben.vote([0]); // changed mind
    await until(() => host.poll?.respondents === 2 && ben.ballot?.choices[0] === 0, 'votes counted');
    expect(host.notAnswered.map((p) => p.name)).toEqual(['Cai']);
    await until(() => cai.poll?.counts.join() === '2,0,1', 'live tally at a student');
    host.closePoll();
    cai.vote([1]);
    host.publishPoll();
    await until(() => cai.poll?.status === PollStatus.PUBLISHED, 'published');
    expect([...cai.poll!.counts]).toEqual([2, 0, 1]);
    expect(cai.poll!.respondents).toBe(2);

    const hostile = '<img src=x onerror=alert(1)>';
    ada.sendChat(hostile);
    cai.sendChat('Can you repeat that?', { private: true });
    await until(() => host.chat.length === 2 && ben.chat.length === 1, 'chat delivered');
    expect(ben.chat[0]!.text).toBe(hostile);
    expect(ben.chat[0]!.fromName).toBe('Ada');
    await until(() => cai.chat.some((m) => m.private), 'private echo');
    expect(ada.chat.some((m) => m.private)).toBe(false);

    ada.react('👏');
    await until(() => host.reactions.length === 1 && cai.reactions.length === 1, 'reaction');
    expect(cai.reactions[0]).toMatchObject({ emoji: '👏', name: 'Ada' });
    expect(ada.react('<script>')).toBe(false);
  });

  it('shows a late joiner and a reloading student the room as it is, ballot included', async () => {
    const network = new LoopbackNetwork();
    const host = teacher(network, new MemoryStorage());
    const ada = await student(network, 'Ada');
    ada.setHand(true);
    host.openPoll({ question: 'Ready?', kind: 'yes-no-abstain' });
    host.sendChat('Welcome to fractions');
    await until(() => ada.poll !== undefined && host.hands.hands.length === 1, 'open poll and hand');
    ada.vote([2]);
    await until(() => host.poll?.respondents === 1, 'vote');

    // Ada reloads: a new room with the same identity.
    const identity = (ada.room as import('@beckon/core').MemberRoom).identity;
    await (ada.room as import('@beckon/core').MemberRoom).leave();
    const again = await student(network, 'Ada', identity);
    expect(again.poll?.question).toBe('Ready?');
    expect(again.hands.hands.map((h) => h.name)).toEqual(['Ada']);
    expect(again.handRaised).toBe(true);
    expect(again.chat.map((m) => m.text)).toEqual(['Welcome to fractions']);
    await until(() => again.ballot?.choices[0] === 2, 'own ballot back');

    const late = await student(network, 'Late Lou');
    await until(() => late.poll !== undefined, 'the poll at the late joiner');
    expect(late.poll?.options).toEqual(['Yes', 'No', 'Abstain']);
    // Results only once Lou has answered herself (the default policy): how many answered, not what.
    expect(late.poll).toMatchObject({ withheld: true, counts: [0, 0, 0], respondents: 1, answered: [] });
    expect(late.ballot).toBeUndefined();
    expect(again.poll).toMatchObject({ withheld: false, counts: [0, 0, 1] });
  });

  it("keeps the hands and the poll through the teacher's reload", async () => {
    const network = new LoopbackNetwork();
    const storage = new MemoryStorage();
    const first = teacher(network, storage, 'host');
    const ada = await student(network, 'Ada');
    ada.setHand(true);
    first.openPoll({ question: 'Ready?', kind: 'yes-no', anonymous: true });
    await until(() => first.hands.hands.length === 1 && ada.poll !== undefined, 'hand and poll');
    ada.vote([0]);
    await until(() => first.poll?.respondents === 1, 'vote');
    await (first.room as import('@beckon/core').HostRoom).close();
    first.dispose();

    // The reloaded page registers the same peer id (the invite link stays valid) and restores the state.
    const second = teacher(network, storage, 'host');
    expect(second.hands.hands.map((h) => h.name)).toEqual(['Ada']);
    expect(second.poll?.respondents).toBe(1);
    expect(second.poll?.answered).toEqual([]);
    // Ada reconnects by herself, as the same participant, and still has her hand up and her ballot.
    await until(() => second.students.some((p) => p.id === ada.selfId) && ada.state === 'open', 'Ada back', 8000);
    await until(() => ada.ballot?.choices[0] === 0, 'ballot receipt after the reload', 3000);
    expect(ada.handRaised).toBe(true);
    ada.vote([1]);
    await until(() => second.poll?.counts.join() === '0,1', 'changed vote counted once');
    expect(second.poll?.respondents).toBe(1);
  });
});

describe('Classroom under attack and failure', () => {
  it('refuses forged teacher actions from a student, reports them, and keeps the room as it was', async () => {
    const network = new LoopbackNetwork();
    const host = teacher(network, new MemoryStorage());
    const ada = await student(network, 'Ada');
    const ben = await student(network, 'Ben');
    ada.setHand(true);
    host.openPoll({ question: 'Ready?', kind: 'yes-no' });
    await until(() => host.hands.hands.length === 1 && ben.poll?.status === PollStatus.OPEN, 'hand and poll');
    ada.vote([0]);
    await until(() => host.poll?.respondents === 1, 'vote');
    const benRefused: string[] = [];
    ben.events.on('refused', ({ reason }) => benRefused.push(reason));

    // The API says no before anything is sent.
    expect(ben.closePoll()).toBe(false);
    expect(ben.lowerHandOf(ada.selfId)).toBe(false);
    // Ben's page is modified to send what only the teacher may: a closed poll, an empty queue, and Ada's hand
    // lowered in her name. Frames go straight onto the session, past the room's own checks.
    const session = memberSession(ben.room as MemberRoom)!;
    const closed = { ...host.poll!, status: PollStatus.CLOSED, counts: [0, 9], respondents: 9 };
    session.send({ type: PollState.id, payload: PollState.encode(closed) }, 'reliable');
    session.send({ type: HandQueue.id, payload: HandQueue.encode({ hands: [], calledOn: '', calledOnName: '' }) }, 'reliable');
    session.send({ type: SetHand.id, payload: SetHand.encode({ raised: false }), from: ada.selfId }, 'reliable');

    await until(() => host.blocked.length === 2, 'two forgeries reported to the teacher');
    expect(host.blocked.map((b) => [b.name, b.code])).toEqual([
      ['Ben', 'policy-violation'],
      ['Ben', 'policy-violation'],
    ]);
    expect(host.blocked[0]!.message).toContain('may not send classroom.PollState');
    await until(() => benRefused.length === 3, 'Ben told by the host');
    expect(benRefused.slice(0, 2)).toEqual(['only the teacher can do that', 'only the teacher can do that']);
    expect(benRefused[2]).toContain('may not send classroom.PollState');
    // The forged SetHand was taken as Ben's own (the host stamps the sender): Ben has no hand up, Ada keeps hers.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const view of [host, ada, ben]) {
      expect(view.hands.hands.map((h) => h.name)).toEqual(['Ada']);
      expect(view.poll?.status).toBe(PollStatus.OPEN);
      // Ben has not answered: the results are not his to see yet.
      expect([...view.poll!.counts]).toEqual(view === ben ? [0, 0] : [1, 0]);
      expect(view.poll!.respondents).toBe(1);
    }
  });

  it('throttles a student who floods chat and reactions, without slowing the others', async () => {
    const network = new LoopbackNetwork();
    const host = teacher(network, new MemoryStorage());
    const flooder = await student(network, 'Flo');
    const ada = await student(network, 'Ada');
    const told: string[] = [];
    flooder.events.on('refused', ({ reason }) => told.push(reason));
    for (let i = 0; i < 60; i++) flooder.sendChat(`spam ${i}`);
    for (let i = 0; i < 40; i++) flooder.react('👍');
    ada.sendChat('Can we start?');
    await until(() => host.chat.some((m) => m.text === 'Can we start?'), "Ada's message");
    await until(() => told.length > 0, 'flooder told');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const spam = host.chat.filter((m) => m.fromName === 'Flo').length;
    // SendChat: 3 a second, bursts of 6. React: 4 a second, bursts of 8.
    expect(spam).toBeGreaterThanOrEqual(6);
    expect(spam).toBeLessThanOrEqual(8);
    expect(host.reactions.length).toBeLessThanOrEqual(10);
    expect(told[0]).toContain('too fast');
    expect(host.blocked.some((b) => b.code === 'rate-limited' && b.name === 'Flo')).toBe(true);
    expect(ada.chat.map((m) => m.text)).toContain('Can we start?');
  });

  it("counts a vote once when the student's connection drops mid-vote and comes back", async () => {
    const network = new LoopbackNetwork();
    const host = teacher(network, new MemoryStorage());
    const ada = await student(network, 'Ada');
    const ben = await student(network, 'Ben');
    host.openPoll({ question: 'Which is larger?', kind: 'letters' });
    await until(() => ada.poll?.status === PollStatus.OPEN, 'poll open');
    ben.vote([3]);
    await until(() => host.poll?.respondents === 1, "Ben's vote");

    // Ada's link dies silently while she votes B, then changes to C; then it closes and she reconnects.
    const link = [...(ada.room.transport as LoopbackTransport).links][0]!;
    link.vanish();
    ada.vote([1]);
    ada.vote([2]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(host.poll?.respondents).toBe(1);
    link.close('dropped');
    await until(() => ada.state === 'open' && host.poll?.respondents === 2, 'Ada back, her vote in', 5000);
    await until(() => ada.ballot?.choices.join() === '2', 'receipt');
    expect([...host.poll!.counts]).toEqual([0, 0, 1, 1]);

    // Dropped again right after the host counted her change: the re-sent copy changes nothing.
    ada.vote([0]);
    await until(() => host.poll?.counts.join() === '1,0,0,1', 'changed vote');
    [...(ada.room.transport as LoopbackTransport).links][0]!.close('dropped');
    await until(() => ada.state === 'reconnecting', 'dropped');
    await until(() => ada.state === 'open', 'back', 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...host.poll!.counts]).toEqual([1, 0, 0, 1]);
    expect(host.poll!.respondents).toBe(2);
    expect([...ada.poll!.counts]).toEqual([1, 0, 0, 1]);
  });

  it("restores a vote the teacher's page lost in a reload: the student's page sends it again", async () => {
    const network = new LoopbackNetwork();
    const storage = new MemoryStorage();
    const first = teacher(network, storage, 'host');
    const ada = await student(network, 'Ada');
    first.openPoll({ question: 'Ready?', kind: 'yes-no' });
    await until(() => ada.poll !== undefined, 'poll');
    const saved = storage.map.get('beckon:classroom:lesson')!;
    ada.vote([1]);
    await until(() => first.poll?.respondents === 1 && ada.ballot?.choices[0] === 1, 'vote and receipt');
    // Acknowledged too, so the room's own redelivery has nothing left to send: only the classroom can restore it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await (first.room as HostRoom).close();
    first.dispose();
    // The reload came before the save of the vote reached storage.
    storage.map.set('beckon:classroom:lesson', saved);
    const second = teacher(network, storage, 'host');
    expect(second.poll?.respondents).toBe(0);
    await until(() => second.poll?.respondents === 1, 'vote restored', 8000);
    expect([...second.poll!.counts]).toEqual([0, 1]);
    // Back once, logged once: the roster knows Ada from before the reload.
    expect(second.data!.log.filter((e) => e.verb === 'joined').map((e) => e.actorName)).toEqual(['Ada']);
  });
});

describe('anonymous polls', () => {
  it('gives classmates no running tally to read the last voter from, only the count of answers', async () => {
    const network = new LoopbackNetwork();
    const host = teacher(network, new MemoryStorage());
    const ada = await student(network, 'Ada');
    const ben = await student(network, 'Ben');
    const cai = await student(network, 'Cai');
    host.openPoll({ question: 'Secret?', kind: 'yes-no', anonymous: true });
    await until(() => [ada, ben, cai].every((s) => s.poll !== undefined), 'the poll everywhere');
    const seenByCai: number[][] = [];
    cai.events.on('change', (part) => part === 'poll' && cai.poll && seenByCai.push([...cai.poll.counts]));
    ada.vote([0]);
    await until(() => cai.poll?.respondents === 1, 'first ballot counted');
    ben.vote([1]);
    await until(() => cai.poll?.respondents === 2, 'second ballot counted');
    // The teacher sees the tally; classmates see that two answered, not what anyone chose.
    expect(host.poll?.counts).toEqual([1, 1]);
    expect(seenByCai.every((counts) => counts.every((n) => n === 0))).toBe(true);
    host.closePoll();
    await until(() => cai.poll?.status === PollStatus.CLOSED, 'the poll to close');
    // Anonymous polls show their results once published (the default policy).
    expect(cai.poll).toMatchObject({ withheld: true, counts: [0, 0] });
    host.publishPoll();
    await until(() => cai.poll?.status === PollStatus.PUBLISHED, 'the results to be published');
    expect(cai.poll?.counts).toEqual([1, 1]);
  });
});

describe('verdicts', () => {
  it("tells a student's page when the teacher refused its vote, so it never shows a refused vote as recorded", async () => {
    const network = new LoopbackNetwork();
    const host = teacher(network, new MemoryStorage());
    const ada = await student(network, 'Ada');
    host.openPoll({ question: 'Now?', kind: 'yes-no' });
    await until(() => ada.poll !== undefined, 'the poll');
    const room = ada.room as MemberRoom;
    expect(await room.request(Vote, { pollId: ada.poll!.id, choices: [0], text: '' })).toMatchObject({ ok: true });
    const stale = await room.request(Vote, { pollId: 'an-old-poll', choices: [0], text: '' });
    expect(stale).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'rejected', message: expect.stringMatching(/this poll is over/) }) });
  });
});
