import { describe, expect, it } from 'vitest';
import { defaultLanes } from '../lanes.ts';
import type { LaneName } from '../lanes.ts';
import type { Channel, Link, Transport } from '../transport.ts';

export interface TransportPair {
  readonly a: Transport;
  readonly b: Transport;
  cleanup(): Promise<void>;
}

/** Resolves with the next frame a channel receives. The core's handlers are replaced: use on bare links only. */
export function nextMessage(channel: Channel, timeoutMs = 5000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${channel.lane.name} within ${timeoutMs} ms`)), timeoutMs);
    channel.setHandlers({
      onOpen() {},
      onClose() {},
      onError() {},
      onBufferedAmountLow() {},
      onMessage(data) {
        clearTimeout(timer);
        resolve(data);
      },
    });
  });
}

async function connectPair(pair: TransportPair): Promise<{ near: Link; far: Link }> {
  const accepted = new Promise<Link>((resolve) => pair.b.listen({ lanes: defaultLanes }, resolve));
  const near = await pair.a.connect(pair.b.localId, { lanes: defaultLanes, timeoutMs: 10_000 });
  const far = await accepted;
  return { near, far };
}

/**
 * The contract every transport keeps. Run it against each transport with a factory for two fresh peers:
 * `describeTransportSuite('loopback', makePair)`.
 */
export function describeTransportSuite(name: string, makePair: () => Promise<TransportPair>): void {
  describe(`transport contract: ${name}`, () => {
    it('opens one channel per lane, with the parameters each lane asks for', async () => {
      const pair = await makePair();
      try {
        const { near, far } = await connectPair(pair);
        expect(far.remoteId).toBe(pair.a.localId);
        expect(near.remoteId).toBe(pair.b.localId);
        for (const link of [near, far]) {
          expect([...link.channels.keys()].sort()).toEqual(['partial', 'reliable', 'unreliable']);
          const reliable = link.channels.get('reliable')!.params;
          expect(reliable).toMatchObject({ ordered: true, maxRetransmits: null, maxPacketLifeTime: null, negotiated: true, id: 100 });
          const unreliable = link.channels.get('unreliable')!.params;
          expect(unreliable).toMatchObject({ ordered: false, maxRetransmits: 0, maxPacketLifeTime: null, negotiated: true, id: 101 });
          const partial = link.channels.get('partial')!.params;
          expect(partial).toMatchObject({ ordered: false, maxRetransmits: null, negotiated: true, id: 102 });
          expect(partial.maxPacketLifeTime).toBeGreaterThan(0);
          for (const channel of link.channels.values()) expect(channel.state).toBe('open');
          expect(link.maxMessageSize).toBeGreaterThanOrEqual(16 * 1024);
        }
      } finally {
        await pair.cleanup();
      }
    });

    it('carries binary frames both ways on every lane', async () => {
      const pair = await makePair();
      try {
        const { near, far } = await connectPair(pair);
        for (const lane of ['reliable', 'unreliable', 'partial'] as LaneName[]) {
          const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7 + lane.length) & 0xff);
          const there = nextMessage(far.channels.get(lane)!);
          near.channels.get(lane)!.send(payload);
          expect(Array.from(await there)).toEqual(Array.from(payload));
          const back = nextMessage(near.channels.get(lane)!);
          far.channels.get(lane)!.send(payload.subarray(0, 10));
          expect(Array.from(await back)).toEqual(Array.from(payload.subarray(0, 10)));
        }
      } finally {
        await pair.cleanup();
      }
    });

    it('keeps order on the reliable lane for a burst of frames', async () => {
      const pair = await makePair();
      try {
        const { near, far } = await connectPair(pair);
        const received: number[] = [];
        const done = new Promise<void>((resolve) =>
          far.channels.get('reliable')!.setHandlers({
            onOpen() {},
            onClose() {},
            onError() {},
            onBufferedAmountLow() {},
            onMessage(data) {
              received.push(new DataView(data.buffer, data.byteOffset).getUint32(0));
              if (received.length === 500) resolve();
            },
          }),
        );
        for (let i = 0; i < 500; i++) {
          const frame = new Uint8Array(64);
          new DataView(frame.buffer).setUint32(0, i);
          near.channels.get('reliable')!.send(frame);
        }
        await done;
        expect(received).toEqual(Array.from({ length: 500 }, (_, i) => i));
      } finally {
        await pair.cleanup();
      }
    });

    it('reports bufferedamountlow after the queue drains below the threshold', async () => {
      const pair = await makePair();
      try {
        const { near } = await connectPair(pair);
        const channel = near.channels.get('reliable')!;
        channel.bufferedAmountLowThreshold = 1024;
        const low = new Promise<void>((resolve) =>
          channel.setHandlers({ onOpen() {}, onClose() {}, onError() {}, onMessage() {}, onBufferedAmountLow: resolve }),
        );
        const frame = new Uint8Array(16 * 1024);
        for (let i = 0; i < 64; i++) channel.send(frame);
        expect(channel.bufferedAmount).toBeGreaterThan(1024);
        await low;
        expect(channel.bufferedAmount).toBeLessThanOrEqual(1024);
      } finally {
        await pair.cleanup();
      }
    });

    it('tells the other side when a link closes', async () => {
      const pair = await makePair();
      try {
        const { near, far } = await connectPair(pair);
        const closed = new Promise<string>((resolve) => far.onClose(resolve));
        near.close();
        expect(typeof (await closed)).toBe('string');
      } finally {
        await pair.cleanup();
      }
    });

    it('fails with a typed error when connecting to nobody', async () => {
      const pair = await makePair();
      try {
        await expect(pair.a.connect('nobody-is-here', { lanes: defaultLanes, timeoutMs: 3000 })).rejects.toMatchObject({
          name: 'BeckonError',
        });
      } finally {
        await pair.cleanup();
      }
    });
  });
}
