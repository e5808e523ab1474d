import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLanes } from '@beckon/core';
import type { Channel, LaneName, Link } from '@beckon/core';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { describeTransportSuite } from '../../core/src/test-utils/transport-suite.ts';
import { createPeerJsTransport } from './index.ts';
import type { PeerJsTransport, PeerJsTransportOptions } from './index.ts';
import { cleanupNodeWebRTC, installNodeWebRTC } from './node.ts';

// Real WebRTC (node-datachannel) through a real PeerServer child process, all on 127.0.0.1.
// Run inside scripts/netns.sh to be sure ICE uses nothing but loopback.

let server: RunningServer;
let nextId = 0;
const lanes: readonly LaneName[] = ['reliable', 'unreliable', 'partial'];

function serverOptions(): Omit<PeerJsTransportOptions, 'id'> {
  return { host: '127.0.0.1', port: server.port, path: server.path };
}

function uniqueId(tag: string): string {
  nextId += 1;
  return `${tag}-${process.pid}-${nextId}`;
}

async function makePair(): Promise<{ a: PeerJsTransport; b: PeerJsTransport; cleanup(): Promise<void> }> {
  const [a, b] = await Promise.all([
    createPeerJsTransport({ ...serverOptions(), id: uniqueId('a') }),
    createPeerJsTransport({ ...serverOptions(), id: uniqueId('b') }),
  ]);
  return { a, b, cleanup: async () => void (await Promise.all([a.close(), b.close()])) };
}

async function link(a: PeerJsTransport, b: PeerJsTransport): Promise<{ near: Link; far: Link }> {
  const accepted = new Promise<Link>((resolve) => b.listen({ lanes: defaultLanes }, resolve));
  const near = await a.connect(b.localId, { lanes: defaultLanes });
  return { near, far: await accepted };
}

function collect(channel: Channel): Uint8Array[] {
  const received: Uint8Array[] = [];
  channel.setHandlers({
    onOpen() {},
    onClose() {},
    onError() {},
    onBufferedAmountLow() {},
    onMessage: (data) => received.push(data),
  });
  return received;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeAll(async () => {
  installNodeWebRTC();
  // A short EXPIRE so calls to absent peers fail in about a second rather than five.
  server = await startServer({ expireTimeoutMs: 500 });
});

afterAll(async () => {
  await server.close();
  cleanupNodeWebRTC();
});

describeTransportSuite('peerjs (node-datachannel)', makePair);

describe('PeerJS transport', () => {
  it('creates each lane as a negotiated channel and reads its parameters back from the RTCDataChannel', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      const { near, far } = await link(a, b);
      for (const side of [near, far]) {
        expect(side.channels.get('reliable')?.params).toEqual({
          label: 'reliable', id: 100, negotiated: true, ordered: true, maxRetransmits: null, maxPacketLifeTime: null,
        });
        expect(side.channels.get('unreliable')?.params).toEqual({
          label: 'unreliable', id: 101, negotiated: true, ordered: false, maxRetransmits: 0, maxPacketLifeTime: null,
        });
        expect(side.channels.get('partial')?.params).toEqual({
          label: 'partial', id: 102, negotiated: true, ordered: false, maxRetransmits: null, maxPacketLifeTime: 150,
        });
        // node-datachannel advertises 256 KiB, like Chromium.
        expect(side.maxMessageSize).toBe(262_144);
      }
      expect(near.remoteId).toBe(b.localId);
      expect(far.remoteId).toBe(a.localId);
    } finally {
      await cleanup();
    }
  });

  it('opens a link that arrived before listen, once listen is called (the lane signature is kept)', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      const near = a.connect(b.localId, { lanes: defaultLanes, timeoutMs: 8000 });
      // The connection, and the other side's lane signature, arrive while nobody listens yet (a new host starting up).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const far = await new Promise<Link>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the early link never opened')), 3000);
        b.listen({ lanes: defaultLanes }, (accepted) => {
          clearTimeout(timer);
          resolve(accepted);
        });
      });
      const nearLink = await near;
      const received = collect(far.channels.get('reliable')!);
      nearLink.channels.get('reliable')!.send(Uint8Array.of(7));
      await until(() => received.length === 1);
    } finally {
      await cleanup();
    }
  });

  it('keeps frames that arrive before the owner sets its handlers', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      const { near, far } = await link(a, b);
      for (const lane of lanes) near.channels.get(lane)?.send(Uint8Array.of(1, 2, lane.length));
      // Give them time to arrive with nobody listening yet.
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const lane of lanes) {
        const received = collect(far.channels.get(lane)!);
        expect(received.map((bytes) => Array.from(bytes))).toEqual([[1, 2, lane.length]]);
      }
    } finally {
      await cleanup();
    }
  });

  it('sends frames of maxMessageSize on the reliable lane', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      const { near, far } = await link(a, b);
      const received = collect(far.channels.get('reliable')!);
      const big = Uint8Array.from({ length: near.maxMessageSize }, (_, i) => i & 0xff);
      near.channels.get('reliable')!.send(big);
      await until(() => received.length === 1);
      expect(received[0]?.byteLength).toBe(big.byteLength);
      expect(received[0]?.[1000]).toBe(1000 & 0xff);
    } finally {
      await cleanup();
    }
  });

  it('fires onClose exactly once on both sides when one side closes, and closes the lanes', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      const { near, far } = await link(a, b);
      const nearReasons: string[] = [];
      const farReasons: string[] = [];
      near.onClose((reason) => nearReasons.push(reason));
      far.onClose((reason) => farReasons.push(reason));
      near.close();
      await until(() => farReasons.length > 0);
      await until(() => [...far.channels.values()].every((c) => c.state === 'closed'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(nearReasons).toEqual(['closed locally']);
      expect(farReasons).toHaveLength(1);
      expect(() => near.channels.get('reliable')!.send(Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'not-connected' }));
    } finally {
      await cleanup();
    }
  });

  it('closes the remote end of every link when a transport closes', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      const { far } = await link(a, b);
      const closed = new Promise<string>((resolve) => far.onClose(resolve));
      await a.close();
      expect(await closed).toMatch(/closed/);
    } finally {
      await cleanup();
    }
  });

  it('fails with not-connected when the remote id is not on the server', async () => {
    const { a, cleanup } = await makePair();
    try {
      const started = Date.now();
      await expect(a.connect(uniqueId('absent'), { lanes: defaultLanes, timeoutMs: 8000 })).rejects.toMatchObject({
        name: 'BeckonError',
        code: 'not-connected',
      });
      // The server's EXPIRE, not our timeout, ended it.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await cleanup();
    }
  });

  it('refuses an id that is taken', async () => {
    const id = uniqueId('taken');
    const first = await createPeerJsTransport({ ...serverOptions(), id });
    try {
      await expect(createPeerJsTransport({ ...serverOptions(), id })).rejects.toMatchObject({ name: 'BeckonError', code: 'refused' });
    } finally {
      await first.close();
    }
  });

  it('fails with a typed error when the server is unreachable', async () => {
    // Port 9 (discard) on loopback has no listener here.
    await expect(
      createPeerJsTransport({ host: '127.0.0.1', port: 9, path: '/peerjs', id: uniqueId('lost'), openTimeoutMs: 3000 }),
    ).rejects.toMatchObject({ name: 'BeckonError', code: 'timeout' });
  });

  it('fails with lane-error when the two sides ask for different lanes', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      b.listen({ lanes: [defaultLanes[0]!] }, () => {});
      await expect(a.connect(b.localId, { lanes: defaultLanes, timeoutMs: 5000 })).rejects.toMatchObject({ code: 'lane-error' });
    } finally {
      await cleanup();
    }
  });

  it('times out when the remote never opens its lanes', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      // b never calls listen: PeerJS answers, but b creates no lanes.
      const started = Date.now();
      await expect(a.connect(b.localId, { lanes: defaultLanes, timeoutMs: 1000 })).rejects.toMatchObject({ code: 'timeout' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await cleanup();
    }
  });

  it('measures connect time and per-lane round trips', async () => {
    const { a, b, cleanup } = await makePair();
    try {
      const started = performance.now();
      const { near, far } = await link(a, b);
      const connectMs = performance.now() - started;
      const report: string[] = [`connect (peers open -> all lanes open): ${connectMs.toFixed(1)} ms`];
      for (const lane of lanes) {
        const echo = far.channels.get(lane)!;
        echo.setHandlers({ onOpen() {}, onClose() {}, onError() {}, onBufferedAmountLow() {}, onMessage: (data) => echo.send(data) });
        const channel = near.channels.get(lane)!;
        let resolveEcho: () => void = () => {};
        channel.setHandlers({ onOpen() {}, onClose() {}, onError() {}, onBufferedAmountLow() {}, onMessage: () => resolveEcho() });
        const rtts: number[] = [];
        for (let i = 0; i < 200; i++) {
          const t0 = performance.now();
          // Lossy lanes may drop a ping; a lost one is skipped rather than waited on forever.
          const arrived = await Promise.race([
            new Promise<boolean>((resolve) => {
              resolveEcho = () => resolve(true);
              channel.send(Uint8Array.of(i & 0xff, 0, 0, 0, 0, 0, 0, 0));
            }),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500)),
          ]);
          if (arrived) rtts.push(performance.now() - t0);
        }
        rtts.sort((x, y) => x - y);
        const p50 = rtts[Math.floor(rtts.length / 2)] ?? Number.NaN;
        const p99 = rtts[Math.floor(rtts.length * 0.99)] ?? Number.NaN;
        report.push(`${lane}: rtt p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (${rtts.length}/200)`);
        expect(rtts.length).toBeGreaterThan(190);
        expect(p50).toBeLessThan(20);
      }
      console.log(`[peerjs-transport] ${report.join('; ')}`);
      expect(connectMs).toBeLessThan(3000);
    } finally {
      await cleanup();
    }
  });
});
