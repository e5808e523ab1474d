import { hostRoom, joinRoom, LoopbackNetwork } from '@beckon/core';
import type { Identity } from '@beckon/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PollStatus } from '../gen/classroom.ts';
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

    host.openPoll({ question: 'Which are prime?', kind: 'custom', options: ['2', '9', '11'], multiple: true });
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
    expect(late.poll?.options).toEqual(['Yes', 'No', 'Abstain']);
    expect(late.poll?.counts).toEqual([0, 0, 1]);
    expect(late.ballot).toBeUndefined();
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
