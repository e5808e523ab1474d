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

  it('caps how many links may be waiting to join at once', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-cap'), types: hostTypes, maxPendingLinks: 8 });
    try {
      const links = await Promise.all(Array.from({ length: 20 }, (_, i) => network.transport(`s${i}`).connect('room-cap', { lanes: defaultLanes, timeoutMs: 2000 })));
      const states = links.map(quiet);
      await waitFor(() => states.filter((s) => s.closed()).length >= 12, 2000, 'links beyond the cap to be closed');
      // An honest member still gets in once the strangers are gone.
      for (const link of links) link.close();
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-cap', name: 'Ada' });
      expect(ada.state).toBe('open');
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
