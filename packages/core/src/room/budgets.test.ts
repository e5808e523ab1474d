import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../codec.ts';
import type { BeckonError } from '../errors.ts';
import { Chunk, Heartbeat } from '../gen/control.ts';
import { defaultLanes } from '../lanes.ts';
import { LoopbackNetwork } from '../loopback.ts';
import { PeerSession } from '../session/index.ts';
import { File, hostTypes } from '../test-utils/test-schema.ts';
import { waitFor } from '../test-utils/wait.ts';
import type { Link } from '../transport.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';
import { hostSession, memberSession } from '../testing.ts';

const mib = 1024 * 1024;

function chunk(transfer: number, index: number, count: number, totalBytes: number, data: Uint8Array, type = File.id): Uint8Array {
  return encodeFrame({ type: Chunk.id, payload: Chunk.encode({ transfer, index, count, totalBytes, data, type }) });
}

function quiet(link: Link): { closed: () => boolean } {
  let flag = false;
  link.onClose(() => (flag = true));
  const closed = (): boolean => flag || link.channels.get('reliable')!.state === 'closed';
  for (const channel of link.channels.values()) {
    channel.setHandlers({ onOpen() {}, onClose() {}, onError() {}, onBufferedAmountLow() {}, onMessage() {} });
  }
  return { closed };
}

describe('budgets for everything a peer can send', () => {
  it('closes a stranger that pushes chunked transfers before joining, keeping none of them', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-pre'), types: hostTypes });
    try {
      const link = await network.transport('stranger').connect('room-pre', { lanes: defaultLanes, timeoutMs: 2000 });
      const { closed } = quiet(link);
      const data = new Uint8Array(16 * 1024);
      const reliable = link.channels.get('reliable')!;
      for (let transfer = 1; transfer <= 17 && !closed(); transfer++) {
        for (let index = 0; index < 4 && !closed(); index++) reliable.send(chunk(transfer, index, 2048, 32 * mib, data));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      // Well before the 10 s join timeout.
      await waitFor(closed, 2000, 'the stranger to be cut off');
    } finally {
      await host.close();
    }
  });

  it('caps how many links may be waiting to join at once, turning the rest away before they negotiate', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-cap'), types: hostTypes, maxPendingLinks: 8 });
    try {
      const attempts = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => network.transport(`s${i}`).connect('room-cap', { lanes: defaultLanes, timeoutMs: 2000 })),
      );
      const links = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
      const turnedAway = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason as BeckonError] : []));
      expect(links).toHaveLength(8);
      expect(turnedAway).toHaveLength(12);
      expect(turnedAway.every((error) => error.code === 'not-connected' && /turned the connection away/.test(error.message))).toBe(true);
      links.forEach(quiet);
      // An honest member still gets in once the strangers are gone.
      for (const link of links) link.close();
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-cap', name: 'Ada' });
      expect(ada.state).toBe('open');
      await ada.leave();
    } finally {
      await host.close();
    }
  });

  it('turns away, before negotiating, a stranger it cut off for flooding, and a member it removed for flooding, for quarantineMs', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-q'), types: hostTypes, quarantineMs: 600, rateLimit: { perSecond: 10, burst: 10, removeAfter: 5 } });
    try {
      const strangerTransport = network.transport('stranger');
      const link = await strangerTransport.connect('room-q', { lanes: defaultLanes, timeoutMs: 2000 });
      const { closed } = quiet(link);
      const garbage = new Uint8Array(40).fill(0xff);
      for (let i = 0; i < 64 && !closed(); i++) link.channels.get('reliable')!.send(garbage);
      await waitFor(closed, 2000, 'the stranger to be cut off');
      await expect(strangerTransport.connect('room-q', { lanes: defaultLanes, timeoutMs: 2000 })).rejects.toMatchObject({ code: 'not-connected' });

      // A joined member flooding far over its rate is removed, and its transport id turned away too.
      const eve = await joinRoom({ transport: network.transport('eve'), hostId: 'room-q', name: 'Eve', reconnect: false });
      const raw = memberSession(eve)!.link.channels.get('reliable')!;
      for (let seq = 1; seq <= 400 && raw.state === 'open'; seq++) {
        raw.send(encodeFrame({ type: File.id, payload: new Uint8Array(0), seq }));
        if (seq % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await waitFor(() => host.participants.every((p) => p.id !== eve.selfId), 3000, 'the flooder to be removed');
      await waitFor(() => eve.state === 'closed', 2000, 'the flooder to give up');
      // Back with the same transport id (her room closed its transport when it was refused).
      const eveAgain = network.peer('eve') ?? network.transport('eve');
      await expect(eveAgain.connect('room-q', { lanes: defaultLanes, timeoutMs: 2000 })).rejects.toMatchObject({
        code: 'not-connected',
        message: expect.stringMatching(/turned the connection away/),
      });

      // Honest peers are not affected, and the quarantine ends.
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-q', name: 'Ada' });
      expect(ada.state).toBe('open');
      await new Promise((resolve) => setTimeout(resolve, 700));
      const again = await strangerTransport.connect('room-q', { lanes: defaultLanes, timeoutMs: 2000 });
      quiet(again);
      again.close();
      await ada.leave();
    } finally {
      await host.close();
    }
  });

  it('does not echo a heartbeat flood one for one', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-beat'), types: hostTypes });
    try {
      const eve = await joinRoom({ transport: network.transport('eve'), hostId: 'room-beat', name: 'Eve' });
      let echoes = 0;
      eve.on('rtt', () => echoes++);
      const session = hostSession(host, eve.selfId)!;
      const unreliable = memberSession(eve)!.link.channels.get('unreliable')!;
      for (let i = 0; i < 3000; i++) unreliable.send(encodeFrame({ type: Heartbeat.id, payload: Heartbeat.encode({ sentAt: performance.timeOrigin + performance.now(), echo: 0 }) }));
      await waitFor(() => session.stats.overBudget >= 1900, 3000, 'the flood to be dropped');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(echoes).toBeLessThan(100);
      // Dropped frames count as refusals: a member that keeps flooding is removed like any other flooder.
      await waitFor(() => !host.participant(eve.selfId), 3000, 'the flooder to be removed');
      await eve.leave();
    } finally {
      await host.close();
    }
  });

  it('refuses empty, absurd and oversized chunk headers from a member, holding nothing', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-chunks'), types: hostTypes, rateLimit: { removeAfter: 0 } });
    try {
      const eve = await joinRoom({ transport: network.transport('eve'), hostId: 'room-chunks', name: 'Eve' });
      const errors: BeckonError[] = [];
      host.on('error', (e) => errors.push(e));
      const reliable = memberSession(eve)!.link.channels.get('reliable')!;
      const empty = new Uint8Array(0);
      for (let i = 0; i < 5000; i++) reliable.send(chunk(1 + (i % 16), i, 0xffffffff, 0xffffffff, empty));
      // File allows 4 MiB: a 32 MiB transfer is refused at its first chunk.
      reliable.send(chunk(99, 0, 2048, 32 * mib, new Uint8Array(16 * 1024)));
      await waitFor(() => errors.some((e) => e.code === 'oversized'), 3000, 'the oversized transfer to be refused');
      expect(errors.filter((e) => e.code === 'malformed-frame' || e.code === 'oversized').length).toBeGreaterThan(100);
      expect(hostSession(host, eve.selfId)!.stats.reassemblyBytes).toBe(0);
      await eve.leave();
    } finally {
      await host.close();
    }
  });

  it('keeps reassembly within maxReassemblyBytes and frees stalled transfers', async () => {
    const network = new LoopbackNetwork();
    const receiver = network.transport('receiver');
    let far: Link | undefined;
    receiver.listen({ lanes: defaultLanes }, (link) => (far = link));
    const near = await network.transport('sender').connect('receiver', { lanes: defaultLanes, timeoutMs: 2000 });
    quiet(near);
    await waitFor(() => far, 2000, 'the link');
    const session = new PeerSession(far!, { maxReassemblyBytes: 2 * mib, transferIdleMs: 300, heartbeatIntervalMs: 100, heartbeatTimeoutMs: 60_000 });
    const errors: BeckonError[] = [];
    session.events.on('error', (e) => errors.push(e));
    session.start();
    try {
      const data = new Uint8Array(64 * 1024);
      const reliable = near.channels.get('reliable')!;
      let peak = 0;
      for (let transfer = 1; transfer <= 16; transfer++) {
        for (let index = 0; index < 8; index++) reliable.send(chunk(transfer, index, 16, mib, data));
        await new Promise((resolve) => setTimeout(resolve, 1));
        peak = Math.max(peak, session.stats.reassemblyBytes);
      }
      expect(peak).toBeLessThanOrEqual(2 * mib);
      expect(errors.some((e) => e.code === 'oversized')).toBe(true);
      // Nobody finishes them: they are dropped and their bytes freed.
      await waitFor(() => session.stats.reassemblyBytes === 0, 3000, 'stalled transfers to be freed');
      expect(errors.some((e) => e.code === 'timeout')).toBe(true);
    } finally {
      session.close();
    }
  });
});
