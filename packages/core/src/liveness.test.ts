import { describe, expect, it } from 'vitest';
import { LoopbackNetwork } from './loopback.ts';
import type { LoopbackTransport } from './loopback.ts';
import type { Participant } from './room/index.ts';
import { RaiseHand } from './test-utils/test-schema.ts';
import { roomFixture } from './test-utils/room-suite.ts';
import { nextEvent, waitFor } from './test-utils/wait.ts';

function loopback() {
  const network = new LoopbackNetwork();
  const transports = new Map<string, LoopbackTransport>();
  return {
    transports,
    makeNetwork: async () => ({
      async transport(id: string) {
        const transport = network.transport(id);
        transports.set(id, transport);
        return transport;
      },
      async cleanup() {},
    }),
  };
}

describe('liveness and rejoin', () => {
  it('notices a vanished member soon after the 5 s silence timeout, with default heartbeats', async () => {
    const { makeNetwork } = loopback();
    const room = await roomFixture(makeNetwork);
    try {
      const ada = await room.join('Ada');
      const left = nextEvent<{ participant: Participant; reason: string }>((l) => room.host.on('leave', l), undefined, 8000);
      const started = performance.now();
      // The tab dies: no close, no leave, nothing more arrives, and it never reconnects (a member that only lost its
      // link would come back as the same participant after its own timeout, racing the host's).
      (ada.transport as LoopbackTransport).vanish();
      const event = await left;
      const elapsed = performance.now() - started;
      expect(event.participant.id).toBe(ada.selfId);
      expect(event.reason).toBe('timeout');
      expect(elapsed).toBeLessThan(7000);
      // Not before a stall a page must survive (3 s) plus a missed heartbeat.
      expect(elapsed).toBeGreaterThan(3900);
    } finally {
      await room.cleanup();
    }
  }, 12_000);

  it('keeps a member whose page stalls for 3 seconds in the worst phase (4 s of silence), with default heartbeats', async () => {
    const { makeNetwork } = loopback();
    const room = await roomFixture(makeNetwork);
    try {
      const ada = await room.join('Ada');
      const states: string[] = [];
      ada.on('state', (state) => states.push(state));
      const leaves: string[] = [];
      room.host.on('leave', ({ participant }) => leaves.push(participant.id));
      // Let a heartbeat or two pass first, so the stall starts at an arbitrary point between beats.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // A 3 s stall that begins just after the page's last frame went out and ends just before its next is due: the
      // host hears nothing for the stall plus almost a whole heartbeat interval.
      for (const link of (ada.transport as LoopbackTransport).links) link.stall(3900);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      expect(leaves).toEqual([]);
      expect(states).toEqual([]);
      const hand = nextEvent<string>((l) => room.host.on(RaiseHand, (_v, m) => l(m.from)));
      ada.send(RaiseHand, { raised: true });
      expect(await hand).toBe(ada.selfId);
    } finally {
      await room.cleanup();
    }
  }, 12_000);

  it('reconnects a member whose link to the host broke, as the same participant', async () => {
    const { makeNetwork } = loopback();
    const room = await roomFixture(makeNetwork, { session: { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 400 } });
    try {
      const ada = await room.join('Ada', { session: { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 400 } });
      const states: string[] = [];
      ada.on('state', (state) => states.push(state));
      for (const link of (ada.transport as LoopbackTransport).links) link.vanish();
      await waitFor(() => states.includes('reconnecting') && ada.state === 'open', 8000, 'reconnect');
      expect(states).toEqual(['reconnecting', 'open']);
      const hand = nextEvent<string>((l) => room.host.on(RaiseHand, (_v, m) => l(m.from)));
      ada.send(RaiseHand, { raised: true });
      expect(await hand).toBe(ada.selfId);
      expect(room.host.participants.map((p) => p.id).sort()).toEqual([ada.selfId, room.host.selfId].sort());
    } finally {
      await room.cleanup();
    }
  });

  it('measures round-trip time from heartbeats', async () => {
    const { makeNetwork } = loopback();
    const room = await roomFixture(makeNetwork, { session: { heartbeatIntervalMs: 50 } });
    try {
      const ada = await room.join('Ada', { session: { heartbeatIntervalMs: 50 } });
      const rtt = await nextEvent<{ peer: string; rttMs: number }>((l) => ada.on('rtt', l));
      expect(rtt.peer).toBe(room.host.selfId);
      expect(rtt.rttMs).toBeGreaterThanOrEqual(0);
      expect(rtt.rttMs).toBeLessThan(1000);
    } finally {
      await room.cleanup();
    }
  });

  it('tells a duplicated tab it was replaced instead of fighting over the identity', async () => {
    const { makeNetwork } = loopback();
    const room = await roomFixture(makeNetwork);
    try {
      const first = await room.join('Ada');
      const refused = nextEvent<{ code: string }>((l) => first.on('error', l), (e) => e.code === 'refused');
      const second = await room.join('Ada', { identity: first.identity });
      await refused;
      await waitFor(() => first.state === 'closed', 3000, 'first tab to stop');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(second.state).toBe('open');
      expect(room.host.participants).toHaveLength(2);
    } finally {
      await room.cleanup();
    }
  });
});
