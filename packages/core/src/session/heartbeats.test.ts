import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../codec.ts';
import { Heartbeat } from '../gen/control.ts';
import { defaultLanes } from '../lanes.ts';
import { LoopbackNetwork } from '../loopback.ts';
import { waitFor } from '../test-utils/wait.ts';
import type { Link } from '../transport.ts';
import { PeerSession } from './session.ts';

/** Heartbeats a link writes of its own (echoes of the other side's left out). */
function countBeats(link: Link): () => number {
  let beats = 0;
  const channel = link.channels.get('unreliable')!;
  const send = channel.send.bind(channel);
  channel.send = (data: Uint8Array) => {
    const frame = decodeFrame(data);
    if (frame.ok && frame.value.type === Heartbeat.id && Heartbeat.decode(frame.value.payload).echo === 0) beats++;
    send(data);
  };
  return () => beats;
}

describe('heartbeats', () => {
  it('mostly stay away while the link carries other frames, and the link stays alive', async () => {
    const network = new LoopbackNetwork();
    let far: Link | undefined;
    network.transport('b').listen({ lanes: defaultLanes }, (link) => (far = link));
    const near = await network.transport('a').connect('b', { lanes: defaultLanes, timeoutMs: 2000 });
    await waitFor(() => far, 2000, 'the link');
    const options = { heartbeatIntervalMs: 50, heartbeatTimeoutMs: 2000 };
    const a = new PeerSession(near, options);
    const b = new PeerSession(far!, options);
    const beats = countBeats(near);
    a.start();
    b.start();
    try {
      // 40 intervals of 50 ms with a frame every 20 ms: one beat per interval (40) without the skipping.
      for (let i = 0; i < 100; i++) {
        a.send({ type: 7, payload: Uint8Array.of(i) }, 'unreliable');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(beats()).toBeLessThanOrEqual(15);
      expect(a.closed || b.closed).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });
});
