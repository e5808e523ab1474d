import { describe, expect, it } from 'vitest';
import { BeckonError } from '../errors.ts';
import { Ack } from '../gen/control.ts';
import { defaultLanes } from '../lanes.ts';
import { LoopbackNetwork } from '../loopback.ts';
import { waitFor } from '../test-utils/wait.ts';
import type { Link } from '../transport.ts';
import { PeerSession } from './session.ts';

const options = { heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 120_000, ackDelayMs: 20 };

/** Two sessions over a loopback link; `b` echoes every message back on the same lane. */
async function pair(): Promise<{ a: PeerSession; b: PeerSession; ackFrames: () => number }> {
  const network = new LoopbackNetwork();
  let far: Link | undefined;
  network.transport('b').listen({ lanes: defaultLanes }, (link) => (far = link));
  const near = await network.transport('a').connect('b', { lanes: defaultLanes, timeoutMs: 2000 });
  await waitFor(() => far, 2000, 'the link');
  const a = new PeerSession(near, options);
  const b = new PeerSession(far!, options);
  // Counted on the wire: Ack frames are control frames the sessions never surface.
  let acks = 0;
  const count = (link: Link): void => {
    const channel = link.channels.get('reliable')!;
    const send = channel.send.bind(channel);
    channel.send = (data: Uint8Array) => {
      if (data.length > 1 && data[0] === 0x0d && new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0, true) === Ack.id) acks++;
      send(data);
    };
  };
  count(near);
  count(far!);
  b.events.on('frame', ({ frame, lane }) => void b.send({ type: frame.type, payload: frame.payload }, lane).settled);
  a.start();
  b.start();
  return { a, b, ackFrames: () => acks };
}

describe('acknowledgements', () => {
  it('ride on the reply, so a request and its answer cost no Ack frame', async () => {
    const { a, b, ackFrames } = await pair();
    try {
      const replies: number[] = [];
      let onReply: (() => void) | undefined;
      a.events.on('frame', ({ frame }) => {
        replies.push(frame.payload[0]!);
        onReply?.();
      });
      for (let i = 0; i < 20; i++) {
        const replied = new Promise<void>((resolve) => (onReply = resolve));
        const sent = a.send({ type: 7, payload: Uint8Array.of(i) }, 'reliable');
        await replied;
        // Settled by the ack inside the reply, not by an Ack frame at the end of the 20 ms window.
        expect((await sent.settled).ok).toBe(true);
      }
      // b's own replies are acknowledged by a's next request; only the last one waits for the window.
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(ackFrames()).toBeLessThanOrEqual(1);
      expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      a.close();
      b.close();
    }
  });

  it('still come in a frame of their own when nothing goes back', async () => {
    const network = new LoopbackNetwork();
    let far: Link | undefined;
    network.transport('b').listen({ lanes: defaultLanes }, (link) => (far = link));
    const near = await network.transport('a').connect('b', { lanes: defaultLanes, timeoutMs: 2000 });
    await waitFor(() => far, 2000, 'the link');
    const a = new PeerSession(near, options);
    const b = new PeerSession(far!, options);
    a.start();
    b.start();
    try {
      const results = await Promise.all([1, 2, 3].map((i) => a.send({ type: 7, payload: Uint8Array.of(i) }, 'reliable').settled));
      expect(results.every((result) => result.ok)).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });

  it('come at most every ackSpacingMs on a stream that never answers', async () => {
    const network = new LoopbackNetwork();
    let far: Link | undefined;
    network.transport('b').listen({ lanes: defaultLanes }, (link) => (far = link));
    const near = await network.transport('a').connect('b', { lanes: defaultLanes, timeoutMs: 2000 });
    await waitFor(() => far, 2000, 'the link');
    const a = new PeerSession(near, { ...options, ackDelayMs: 4, ackSpacingMs: 100 });
    const b = new PeerSession(far!, { ...options, ackDelayMs: 4, ackSpacingMs: 100 });
    let acks = 0;
    const channel = far!.channels.get('reliable')!;
    const send = channel.send.bind(channel);
    channel.send = (data: Uint8Array) => {
      if (new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0, true) === Ack.id) acks++;
      send(data);
    };
    a.start();
    b.start();
    try {
      expect((await a.send({ type: 7, payload: Uint8Array.of(0) }, 'reliable').settled).ok).toBe(true);
      // 40 frames at 50 Hz: one Ack frame per frame without the spacing.
      const all: Promise<unknown>[] = [];
      for (let i = 1; i <= 40; i++) {
        all.push(a.send({ type: 7, payload: Uint8Array.of(i) }, 'reliable').settled);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await Promise.all(all);
      expect(acks).toBeLessThanOrEqual(12);
    } finally {
      a.close();
      b.close();
    }
  });

  it('never acknowledge past a refusal before the refusal has travelled', async () => {
    const { a, b } = await pair();
    try {
      b.events.on('frame', ({ frame, refuse }) => frame.payload[0] === 1 && refuse(new BeckonError('rejected', 'no ones')));
      const first = a.send({ type: 7, payload: Uint8Array.of(1) }, 'reliable');
      const second = a.send({ type: 7, payload: Uint8Array.of(2) }, 'reliable');
      const [r1, r2] = await Promise.all([first.settled, second.settled]);
      expect(r1.ok).toBe(false);
      if (!r1.ok) expect(r1.error.code).toBe('rejected');
      expect(r2.ok).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });
});
