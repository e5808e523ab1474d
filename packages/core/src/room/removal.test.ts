import { describe, expect, it } from 'vitest';
import type { BeckonError } from '../errors.ts';
import { LoopbackNetwork } from '../loopback.ts';
import { hostTypes, RaiseHand } from '../test-utils/test-schema.ts';
import { nextEvent, waitFor } from '../test-utils/wait.ts';
import { createHostCredentials } from '../trust.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';

const fast = { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 500 };

describe('removal sticks', () => {
  it('refuses a removed participant with `removed`, whichever transport id it comes back from, until readmitted', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-rm');
    const host = hostRoom({ transport: network.transport('room-rm'), types: hostTypes, credentials, session: fast });
    try {
      const eve = await joinRoom({ transport: network.transport('eve'), hostId: 'room-rm', name: 'Eve', invite: credentials.invite, session: fast });
      const told = nextEvent<BeckonError>((l) => eve.on('error', l), (e) => e.code === 'removed');
      const left = nextEvent<{ reason: string }>((l) => host.on('leave', l));
      host.remove(eve.selfId, 'removed by the teacher');
      expect((await left).reason).toBe('removed by the teacher');
      expect((await told).message).toMatch(/removed by the teacher/);
      await waitFor(() => eve.state === 'closed', 3000, 'the removed member to stop');
      expect(eve.closedBy?.code).toBe('removed');
      // Back with the same identity from a new page (a new transport id): still refused, with a clear code.
      await expect(
        joinRoom({ transport: network.transport('eve-2'), hostId: 'room-rm', name: 'Eve', invite: credentials.invite, identity: eve.identity, reconnect: false }),
      ).rejects.toMatchObject({ code: 'removed' });
      // Nor may the same token come back under another participant id.
      await expect(
        joinRoom({
          transport: network.transport('eve-3'),
          hostId: 'room-rm',
          name: 'Eve',
          invite: credentials.invite,
          identity: { participantId: 'fresh-id', resumeToken: eve.identity.resumeToken },
          reconnect: false,
        }),
      ).rejects.toMatchObject({ code: 'removed' });
      expect(host.participants.map((p) => p.name)).toEqual(['Host']);
      expect(host.identities().find((r) => r.participant.id === eve.selfId)?.removed).toBe(true);

      host.readmit(eve.selfId);
      const back = await joinRoom({ transport: network.transport('eve-4'), hostId: 'room-rm', name: 'Eve', invite: credentials.invite, identity: eve.identity });
      const hand = nextEvent<string>((l) => host.on(RaiseHand, (_v, m) => l(m.from)));
      back.send(RaiseHand, { raised: true });
      expect(await hand).toBe(eve.selfId);
      await back.leave();
    } finally {
      await host.close();
    }
  });

  it('keeps a member removed for flooding out, and survives a host restart through identities()', async () => {
    const network = new LoopbackNetwork();
    let host = hostRoom({ transport: network.transport('room-rm2'), types: hostTypes, session: fast, rateLimit: { perSecond: 20, burst: 20, removeAfter: 50 } });
    const flooder = await joinRoom({ transport: network.transport('f'), hostId: 'room-rm2', name: 'Flood', session: fast });
    const removed = nextEvent<{ reason: string }>((l) => host.on('leave', l));
    for (let i = 0; i < 200; i++) {
      try {
        flooder.send(RaiseHand, { raised: true }, { lane: 'unreliable' });
      } catch {
        // Closed meanwhile.
      }
    }
    expect((await removed).reason).toMatch(/removed/);
    await waitFor(() => flooder.state === 'closed', 3000, 'the flooder to stop');
    const saved = host.identities();
    await host.close();
    host = hostRoom({ transport: network.transport('room-rm2'), types: hostTypes, session: fast, identities: saved });
    try {
      await expect(
        joinRoom({ transport: network.transport('f-2'), hostId: 'room-rm2', name: 'Flood', identity: flooder.identity, reconnect: false }),
      ).rejects.toMatchObject({ code: 'removed' });
    } finally {
      await host.close();
    }
  });
});
