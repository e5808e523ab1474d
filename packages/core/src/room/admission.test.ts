import { describe, expect, it } from 'vitest';
import type { BeckonError } from '../errors.ts';
import { LoopbackNetwork } from '../loopback.ts';
import { RaiseHand, hostTypes } from '../test-utils/test-schema.ts';
import { nextEvent } from '../test-utils/wait.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';

describe('admission: ids', () => {
  it('refuses participant ids that are prototype keys, and the room carries on', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-ids'), types: hostTypes });
    const admitted: string[] = [];
    const hostWithAdmit = host;
    try {
      let n = 0;
      for (const participantId of ['__proto__', 'constructor', 'toString', 'has space']) {
        const attempt = joinRoom({
          transport: network.transport(`evil-${n++}`),
          hostId: 'room-ids',
          name: 'Protoman',
          identity: { participantId, resumeToken: 'token-1234567890' },
          reconnect: false,
        });
        await expect(attempt).rejects.toMatchObject({ code: 'refused', message: expect.stringMatching(/invalid-id/) });
      }
      expect(({} as Record<string, unknown>)['name']).toBeUndefined();
      expect(host.participants.map((p) => p.name)).toEqual(['Host']);
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-ids', name: 'Ada' });
      admitted.push(ada.selfId);
      const got = nextEvent<string>((l) => hostWithAdmit.on(RaiseHand, (_v, m) => l(m.from)));
      ada.send(RaiseHand, { raised: true });
      expect(await got).toBe(ada.selfId);
      await ada.leave();
    } finally {
      await host.close();
    }
  });

  it('cleans lookalike names before anyone sees them', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-names'), types: hostTypes, name: 'Teacher' });
    try {
      const errors: BeckonError[] = [];
      host.on('error', (e) => errors.push(e));
      const eve = await joinRoom({ transport: network.transport('eve'), hostId: 'room-names', name: 'Teach\u200Ber\u202e', metadata: { 'role\u200b': 'x' } });
      const seen = host.participant(eve.selfId)!;
      expect(seen.name).toBe('Teacher');
      expect(seen.metadata).toEqual({ role: 'x' });
      expect(eve.participants.find((p) => p.id === eve.selfId)?.name).toBe('Teacher');
      await eve.leave();
    } finally {
      await host.close();
    }
  });
});
