import { describe, expect, it } from 'vitest';
import { LoopbackNetwork } from '../loopback.ts';
import { Chat, hostTypes, RaiseHand } from '../test-utils/test-schema.ts';
import { waitFor } from '../test-utils/wait.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';

const fast = { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 500 };

describe('exactly-once that never lies', () => {
  it('settles a reliable send as delivered only when the host accepted it; refused ones fail with the reason', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-truth'), types: hostTypes, rateLimit: { perSecond: 5, burst: 20, removeAfter: 0 } });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-truth', name: 'Ada' });
      let accepted = 0;
      host.on(RaiseHand, () => accepted++);
      const deliveries = Array.from({ length: 100 }, () => ada.send(RaiseHand, { raised: true }));
      const results = await Promise.all(deliveries.map((d) => d.settled));
      const ok = results.filter((r) => r.ok).length;
      expect(ok).toBe(accepted);
      expect(ok).toBeGreaterThanOrEqual(20);
      expect(ok).toBeLessThan(40);
      for (const result of results) if (!result.ok) expect(result.error.code).toBe('rate-limited');
      await ada.leave();
    } finally {
      await host.close();
    }
  });

  it('tells the truth for a backlog re-sent after a reconnect', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-backlog'), types: hostTypes, session: fast, rateLimit: { perSecond: 50, burst: 100, removeAfter: 0 } });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-backlog', name: 'Ada', session: fast, reconnectMaxDelayMs: 200 });
      const received = new Set<string>();
      host.on(Chat, (chat) => received.add(chat.text));
      for (const link of network.peer('ada')!.links) link.vanish();
      await waitFor(() => ada.state === 'reconnecting', 3000, 'Ada to notice');
      const deliveries = Array.from({ length: 400 }, (_, i) => ({ text: `m${i}`, delivery: ada.send(Chat, { text: `m${i}` }) }));
      const results = await Promise.all(deliveries.map(async ({ text, delivery }) => ({ text, result: await delivery.settled })));
      const delivered = results.filter(({ result }) => result.ok).map(({ text }) => text);
      expect(delivered.length).toBeGreaterThan(0);
      expect(delivered.length).toBeLessThan(400);
      // Every message reported delivered arrived; every other one failed with a reason.
      expect(delivered.filter((text) => !received.has(text))).toEqual([]);
      expect(received.size).toBe(delivered.length);
      for (const { result } of results) if (!result.ok) expect(result.error.code).toBe('rate-limited');
      await ada.leave();
    } finally {
      await host.close();
    }
  });
});
