import { describe, expect, it } from 'vitest';
import { LoopbackNetwork } from '../loopback.ts';
import { Chat, hostTypes, RaiseHand } from '../test-utils/test-schema.ts';
import { waitFor } from '../test-utils/wait.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';

describe('action verdicts', () => {
  it("gives a member the host's verdict: accepted, or rejected with the app's reason", async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-v'), types: hostTypes });
    host.on(RaiseHand, (hand, meta) => {
      if (!hand.raised) meta.reject('hands only go up in this room\u202e');
    });
    host.on(Chat, (chat, meta) => {
      if (chat.text.includes('spam')) meta.reject('no spam');
    });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-v', name: 'Ada' });
      const bea = await joinRoom({ transport: network.transport('bea'), hostId: 'room-v', name: 'Bea' });
      const beaSaw: string[] = [];
      bea.on(Chat, (chat) => beaSaw.push(chat.text));

      expect(await ada.request(RaiseHand, { raised: true })).toMatchObject({ ok: true });
      const rejected = await ada.request(RaiseHand, { raised: false });
      expect(rejected.ok).toBe(false);
      if (!rejected.ok) {
        expect(rejected.error.code).toBe('rejected');
        expect(rejected.error.message).toMatch(/hands only go up in this room$/);
      }
      // A rejected `everyone` message goes no further than the host.
      expect(await ada.request(Chat, { text: 'buy spam' })).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'rejected' }) });
      expect(await ada.request(Chat, { text: 'hello' })).toMatchObject({ ok: true });
      await waitFor(() => beaSaw.includes('hello'), 2000, 'the accepted chat');
      expect(beaSaw).toEqual(['hello']);
      // Plain sends carry the same verdict.
      expect(await ada.send(RaiseHand, { raised: false }).settled).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'rejected' }) });
      expect(() => ada.request(Chat, { text: 'x' }, { lane: 'unreliable' })).toThrowError(expect.objectContaining({ code: 'policy-violation' }));
      await ada.leave();
      await bea.leave();
    } finally {
      await host.close();
    }
  });

  it('times out when no verdict comes', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-t'), types: hostTypes });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-t', name: 'Ada' });
      for (const link of network.peer('ada')!.links) link.vanish();
      const verdict = await ada.request(RaiseHand, { raised: true }, { timeoutMs: 200 });
      expect(verdict).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'timeout' }) });
      await ada.leave();
    } finally {
      await host.close();
    }
  });

  it('gives a copy re-sent after a lost acknowledgement the verdict the first copy got', async () => {
    const network = new LoopbackNetwork();
    const fast = { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 500 };
    const host = hostRoom({ transport: network.transport('room-lost'), types: hostTypes, session: fast });
    let seen = 0;
    host.on(RaiseHand, (_hand, meta) => {
      seen++;
      meta.reject('not now');
      // The link dies right after the host decided: the acknowledgement carrying the verdict is lost.
      if (seen === 1) for (const link of network.peer('ada')!.links) link.vanish();
    });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-lost', name: 'Ada', session: fast, reconnectMaxDelayMs: 200 });
      const verdict = await ada.request(RaiseHand, { raised: true }, { timeoutMs: 8000 });
      // The member re-sent it after reconnecting; the host did not run its handler twice, and said no again.
      expect(verdict).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'rejected', message: expect.stringMatching(/not now/) }) });
      expect(seen).toBe(1);
      await ada.leave();
    } finally {
      await host.close();
    }
  });
});
