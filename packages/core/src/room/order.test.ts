import { describe, expect, it } from 'vitest';
import { LoopbackNetwork } from '../loopback.ts';
import { hostTypes } from '../test-utils/test-schema.ts';
import { createHostCredentials } from '../trust.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';
import type { JoinRequest } from './types.ts';

describe('admission order: the invite proof first', () => {
  it('never runs the app admit callback nor the identity check for a peer without the invite', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-order');
    const asked: JoinRequest[] = [];
    const host = hostRoom({
      transport: network.transport('room-order'),
      types: hostTypes,
      credentials,
      admit: (request) => {
        asked.push(request);
        return request.name === 'Blocked' ? 'not on the list' : true;
      },
    });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-order', name: 'Ada', invite: credentials.invite });
      expect(asked.map((r) => r.name)).toEqual(['Ada']);
      const wrong = await createHostCredentials('room-order');
      // Probing: an existing id with a wrong token and a new id must be refused the same way, before anything else.
      const codes: string[] = [];
      let n = 0;
      for (const participantId of [ada.selfId, 'nobody-here', ada.selfId]) {
        try {
          await joinRoom({
            transport: network.transport(`probe-${n}`),
            hostId: 'room-order',
            name: 'Blocked',
            identity: { participantId, resumeToken: 'guess' },
            ...(n++ === 2 ? { invite: { ...wrong.invite, hostKey: credentials.invite.hostKey } } : {}),
            reconnect: false,
          });
        } catch (error) {
          codes.push((error as Error).message.replace(/.*\((.*)\)$/, '$1'));
        }
      }
      expect(codes).toEqual(['invite-required', 'invite-required', 'invite-required']);
      expect(asked.map((r) => r.name)).toEqual(['Ada']);
      // With the invite, identity comes before the app: a taken id is refused without asking the app.
      await expect(
        joinRoom({ transport: network.transport('mallory'), hostId: 'room-order', name: 'Mallory', invite: credentials.invite, identity: { participantId: ada.selfId, resumeToken: 'guess' }, reconnect: false }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/identity-taken/) });
      expect(asked.map((r) => r.name)).toEqual(['Ada']);
      await expect(
        joinRoom({ transport: network.transport('blocked'), hostId: 'room-order', name: 'Blocked', invite: credentials.invite, reconnect: false }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/not on the list/) });
      expect(asked.map((r) => r.name)).toEqual(['Ada', 'Blocked']);
      await ada.leave();
    } finally {
      await host.close();
    }
  });
});
