import { createHostCredentials, formatInvite, hostRoom } from '@beckon/core';
import { LoopbackNetwork, memberSession } from '@beckon/core/testing';
import type { MemberRoom, Transport } from '@beckon/core';
import { afterEach, describe, expect, it } from 'vitest';
import '../../define.ts';
import { HandQueue } from '../../gen/classroom.ts';
import { openIdbStorage } from '../../persistence/idb-storage.ts';
import { classroomTypes } from '../../session/classroom.ts';
import { axeViolations } from '../../test-utils/axe.ts';
import { shadow, stage, until } from '../../test-utils/fixture.ts';
import type { Stage } from '../../test-utils/fixture.ts';
import type { BeckonRoom } from './room.component.ts';

let current: Stage | undefined;
const extra: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of extra.splice(0).reverse()) await cleanup();
  await current?.cleanup();
  current = undefined;
});

let count = 0;

/** A student's `<beckon-room>` that has not joined yet, over `network`. */
function studentRoom(network: LoopbackNetwork, ticket: { invite?: string; hostId?: string }): BeckonRoom {
  const room = document.createElement('beckon-room');
  room.mode = 'join';
  room.roomName = `room-test-${++count}`;
  room.invite = ticket.invite ?? '';
  room.hostId = ticket.hostId ?? '';
  room.storage = sessionStorageLike();
  room.transportFactory = async () => network.transport(`student-${count}`);
  document.body.append(room);
  extra.push(async () => {
    await room.close();
    room.remove();
  });
  return room;
}

function sessionStorageLike(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const map = new Map<string, string>();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

const errorText = (room: BeckonRoom): string => shadow(room).querySelector('[role="alert"]')?.textContent?.trim() ?? '';

describe('<beckon-room> invites', () => {
  it('passes axe; the invite link carries the keys, and a student with it joins', async () => {
    current = stage();
    const teacher = await current.room('', { teacher: true });
    expect(await axeViolations(teacher)).toEqual([]);
    expect(teacher.keyed).toBe(true);
    const link = new URL(teacher.inviteLink);
    // host.secret.key: the teacher's id, 16 bytes and a 65-byte public key, base64url, in the fragment only.
    expect(link.hash).toMatch(/^#join=host-\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{87}$/);
    const secret = link.hash.split('.')[1]!;
    expect(link.href.split('#')[0]).not.toContain(secret);
    const ada = await current.room('', { student: 'Ada' });
    expect(ada.state).toBe('open');
    expect(teacher.classroom!.students.map((p) => p.name)).toEqual(['Ada']);

    // Ada's page, tampered with, sends a teacher-only event: the teacher sees a notice in the live region.
    const notice = shadow(teacher).querySelector('[part="blocked"]')!;
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toBe('');
    const hands = HandQueue.encode({ hands: [], calledOn: ada.classroom!.selfId, calledOnName: 'Ada' });
    memberSession(ada.classroom!.room as MemberRoom)!.send({ type: HandQueue.id, payload: hands }, 'reliable');
    await until(() => notice.textContent !== '', 'notice');
    expect(notice.textContent).toBe('Blocked a teacher-only action from Ada. The class is unaffected.');
    expect(teacher.classroom!.hands.calledOn).toBe('');
    expect(await axeViolations(teacher)).toEqual([]);
  });

  it('tells a student, in words, when the link has no keys, is damaged, or leads to an impostor', async () => {
    current = stage();
    const teacher = await current.room('', { teacher: true });
    const invite = new URLSearchParams(new URL(teacher.inviteLink).hash.slice(1)).get('join')!;
    const hostPeer = invite.split('.')[0]!;

    // The bare id (an old-style link): the teacher's page refuses, and the student is told why.
    const bare = studentRoom(current.network, { hostId: hostPeer });
    await bare.updateComplete;
    expect(await axeViolations(bare)).toEqual([]);
    await bare.join('Mallory');
    await until(() => errorText(bare) !== '', 'refusal shown');
    expect(errorText(bare)).toBe('The class did not accept this invite link. It may be incomplete or from an earlier lesson: ask your teacher for the current link.');
    expect(bare.classroom).toBeUndefined();
    expect(teacher.classroom!.students).toEqual([]);
    // The form stays, so a corrected link can be tried.
    expect(shadow(bare).querySelector('form')).not.toBeNull();

    // A link cut short: no join form at all, just the reason.
    const cut = studentRoom(current.network, { invite: invite.slice(0, 40) });
    await until(() => errorText(cut) !== '', 'broken link shown');
    expect(errorText(cut)).toContain('This invite link is damaged or incomplete');
    expect(shadow(cut).querySelector('form')).toBeNull();

    // An impostor holds the id the invite names, but not the room's key.
    const real = await createHostCredentials('impostor-seat');
    const impostor = hostRoom({ transport: current.network.transport('impostor-seat'), types: classroomTypes, name: 'Ms Rivera' });
    extra.push(() => impostor.close());
    const fooled = studentRoom(current.network, { invite: formatInvite(real.invite) });
    await fooled.join('Ada');
    await until(() => errorText(fooled) !== '', 'impostor shown');
    expect(errorText(fooled)).toContain('could not prove it hosts this class, so you were not connected');
    expect(fooled.classroom).toBeUndefined();
    expect(fooled.state).not.toBe('open');
  });
});

describe('<beckon-room> durability', () => {
  it("keeps the teacher's keys, link and class in IndexedDB through a reload mid-poll; the student reconnects by herself", async () => {
    const network = new LoopbackNetwork();
    const roomName = `durable-${Date.now()}`;
    const makeTeacher = (): BeckonRoom => {
      const room = document.createElement('beckon-room');
      room.mode = 'host';
      room.roomName = roomName;
      room.teacherName = 'Ms Rivera';
      room.transportFactory = async (id?: string): Promise<Transport> => network.transport(id!);
      document.body.append(room);
      return room;
    };
    const first = makeTeacher();
    await until(() => first.state === 'open', 'teacher open');
    const link = first.inviteLink;
    const invite = new URLSearchParams(new URL(link).hash.slice(1)).get('join')!;
    const ada = studentRoom(network, { invite });
    await ada.join('Ada');
    await until(() => ada.state === 'open', 'Ada in');
    ada.classroom!.setHand(true);
    first.classroom!.openPoll({ question: 'Is ⅔ > ⅗?', kind: 'yes-no' });
    await until(() => ada.classroom!.poll !== undefined && first.classroom!.hands.hands.length === 1, 'poll and hand');
    ada.classroom!.vote([0]);
    await until(() => first.classroom!.poll?.respondents === 1, 'vote');

    // A second tab of the same class is told to use the first, and leaves the room alone.
    const twin = makeTeacher();
    await until(() => errorText(twin) !== '', 'second tab refused');
    expect(errorText(twin)).toContain('already open in another tab');
    await twin.close();
    twin.remove();

    // The reload: the page goes away (the IndexedDB write is given its moment) and comes back.
    const saved = await openIdbStorage();
    await saved.flush();
    saved.close();
    await first.close();
    first.remove();
    const second = makeTeacher();
    extra.push(async () => {
      await second.close();
      second.remove();
    });
    await until(() => second.state === 'open', 'teacher back');
    expect(second.inviteLink).toBe(link);
    expect(second.classroom!.poll?.question).toBe('Is ⅔ > ⅗?');
    expect(second.classroom!.poll?.respondents).toBe(1);
    expect(second.classroom!.hands.hands.map((h) => h.name)).toEqual(['Ada']);
    await until(() => second.classroom!.students.some((p) => p.name === 'Ada') && ada.state === 'open', 'Ada reconnected', 8000);
    ada.classroom!.vote([1]);
    await until(() => second.classroom!.poll?.counts.join() === '0,1', 'changed vote');
    expect(second.classroom!.poll!.respondents).toBe(1);
    expect(ada.classroom!.handRaised).toBe(true);
  });
});
