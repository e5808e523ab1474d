import { describe, expect, it } from 'vitest';
import { encodeFrame } from './codec.ts';
import type { BeckonError } from './errors.ts';
import { LoopbackNetwork } from './loopback.ts';
import { Chat, File, RaiseHand } from './test-utils/test-schema.ts';
import { roomFixture } from './test-utils/room-suite.ts';
import { nextEvent, waitFor } from './test-utils/wait.ts';
import { memberSession } from './testing.ts';

const makeNetwork = async () => {
  const network = new LoopbackNetwork();
  return { transport: async (id: string) => network.transport(id), cleanup: async () => {} };
};

describe('abuse and back-pressure', () => {
  it('throttles a flooding member, then removes it, while others carry on', async () => {
    const room = await roomFixture(makeNetwork, { rateLimit: { perSecond: 50, burst: 50, removeAfter: 500 } });
    try {
      const flooder = await room.join('Flood');
      const calm = await room.join('Calm');
      const hands: string[] = [];
      room.host.on(RaiseHand, (_v, meta) => hands.push(meta.from));
      const throttled = nextEvent<BeckonError>((l) => room.host.on('error', l), (e) => e.code === 'rate-limited');
      const removed = nextEvent<{ reason: string }>((l) => room.host.on('leave', l));
      const raw = memberSession(flooder)!.link.channels.get('reliable')!;
      const frame = encodeFrame({ type: RaiseHand.id, payload: RaiseHand.encode({ raised: true }) });
      for (let i = 0; i < 800; i++) raw.send(frame);
      expect((await throttled).peer).toBe(flooder.selfId);
      expect((await removed).reason).toMatch(/removed/);
      calm.send(RaiseHand, { raised: true });
      await waitFor(() => hands.includes(calm.selfId), 3000, 'calm member served');
      const fromFlooder = hands.filter((id) => id === flooder.selfId).length;
      expect(fromFlooder).toBeGreaterThanOrEqual(50);
      expect(fromFlooder).toBeLessThan(120);
      expect(room.host.errorCounts['rate-limited']).toBeGreaterThanOrEqual(500 - 1);
      expect(room.host.participants.map((p) => p.name).sort()).toEqual(['Calm', 'Teacher']);
    } finally {
      await room.cleanup();
    }
  });

  it('bounds the send queue and reports its state', async () => {
    const room = await roomFixture(makeNetwork);
    try {
      const ada = await room.join('Ada', { session: { maxQueuedBytes: 1024 * 1024, highWaterMark: 64 * 1024 } });
      const states: { queuedBytes: number; bufferedAmount: number }[] = [];
      ada.on('buffered-amount', (state) => states.push(state));
      const big = new Uint8Array(600 * 1024);
      ada.send(File, { name: 'a', data: big });
      expect(() => ada.send(File, { name: 'b', data: big })).toThrowError(expect.objectContaining({ code: 'queue-full' }));
      expect(Math.max(...states.map((s) => s.queuedBytes))).toBeGreaterThan(500 * 1024);
      await waitFor(() => states.at(-1)?.queuedBytes === 0, 5000, 'queue to drain');
      // Once drained, sending works again.
      expect(await ada.send(Chat, { text: 'after' }).settled).toMatchObject({ ok: true });
    } finally {
      await room.cleanup();
    }
  });

  it('fails pending deliveries when the link closes', async () => {
    const room = await roomFixture(makeNetwork);
    try {
      const ada = await room.join('Ada', { reconnect: false });
      const delivery = ada.send(Chat, { text: 'never acked' });
      memberSession(ada)!.close('test');
      const result = await delivery.settled;
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('delivery-failed');
    } finally {
      await room.cleanup();
    }
  });
});
