import { describe, expect, it } from 'vitest';
import { ParticipantJoined, ParticipantLeft, RosterUpdate, Welcome } from '../gen/control.ts';
import { LoopbackNetwork } from '../loopback.ts';
import { hostTypes, Chat } from '../test-utils/test-schema.ts';
import { waitFor } from '../test-utils/wait.ts';
import { memberSession } from '../testing.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';
import type { MemberRoom } from './member.ts';

const rosterTypes = new Set([RosterUpdate.id, ParticipantJoined.id, ParticipantLeft.id]);

/** Counts the roster frames a member receives (Welcome aside). */
function rosterFrames(member: MemberRoom): () => number {
  let count = 0;
  memberSession(member)!.events.on('frame', ({ frame }) => rosterTypes.has(frame.type) && count++);
  return () => count;
}

describe('roster updates', () => {
  it('coalesce a burst of joins and leaves into a few frames per member, and every roster ends the same', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-burst'), types: hostTypes, rateLimit: false });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-burst', name: 'Ada', types: hostTypes });
      const frames = rosterFrames(ada);
      const joins: string[] = [];
      ada.on('join', ({ participant }) => joins.push(participant.name));
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) => joinRoom({ transport: network.transport(`m${i}`), hostId: 'room-burst', name: `M${i}`, types: hostTypes })),
      );
      await waitFor(() => joins.length === 20, 3000, 'Ada to see every join');
      // One frame per join before; now one per 50 ms window.
      expect(frames()).toBeLessThan(6);
      const names = (room: { participants: readonly { name: string }[] }): string[] => room.participants.map((p) => p.name).sort();
      await waitFor(() => burst.every((m) => m.participants.length === 22), 3000, 'every newcomer to hold the whole roster');
      for (const member of [ada, ...burst]) expect(names(member)).toEqual(names(host));

      const leaves: string[] = [];
      ada.on('leave', ({ participant }) => leaves.push(participant.name));
      const before = frames();
      await Promise.all(burst.slice(0, 10).map((m) => m.leave()));
      await waitFor(() => leaves.length === 10, 3000, 'Ada to see every leave');
      expect(frames() - before).toBeLessThan(4);
      await waitFor(() => burst.slice(10).every((m) => m.participants.length === 12), 3000, 'the others to see the leaves');
    } finally {
      await host.close();
    }
  });

  it('reach a member before a message from the host that follows the join', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-order2'), types: hostTypes, rateLimit: false });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-order2', name: 'Ada', types: hostTypes });
      let knewBea: boolean | undefined;
      ada.on(Chat, () => (knewBea ??= ada.participants.some((p) => p.name === 'Bea')));
      host.on('join', ({ participant }) => participant.name === 'Bea' && host.send(Chat, { text: 'welcome Bea' }));
      await joinRoom({ transport: network.transport('bea'), hostId: 'room-order2', name: 'Bea', types: hostTypes });
      await waitFor(() => knewBea !== undefined, 3000, 'the chat');
      expect(knewBea).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('a Welcome made of separately encoded parts decodes as one', () => {
    const parts = [Welcome.encode({ room: 'r', hostTime: 5 }), Welcome.encode({ participants: [{ id: 'a', name: 'A' }] }), Welcome.encode({ participants: [{ id: 'b', name: 'B' }] })];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    const welcome = Welcome.decode(bytes);
    expect([welcome.room, welcome.hostTime, welcome.participants.map((p) => p.id)]).toEqual(['r', 5, ['a', 'b']]);
  });
});
