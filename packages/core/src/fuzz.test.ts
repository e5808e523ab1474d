import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './codec.ts';
import { Ack, Chunk, Heartbeat, Join } from './gen/control.ts';
import { Chat, Cursor, RaiseHand } from './test-utils/test-schema.ts';
import { LoopbackNetwork } from './loopback.ts';
import { roomFixture } from './test-utils/room-suite.ts';
import { nextEvent } from './test-utils/wait.ts';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valid = [
  encodeFrame({ type: Chat.id, payload: Chat.encode({ text: 'hello there' }), seq: 3 }),
  encodeFrame({ type: RaiseHand.id, payload: RaiseHand.encode({ raised: true }) }),
  encodeFrame({ type: Cursor.id, payload: Cursor.encode({ x: 1.5, y: 2 }), sentAt: Date.now() }),
  encodeFrame({ type: Chunk.id, payload: Chunk.encode({ transfer: 1, index: 0, count: 3, totalBytes: 40, data: new Uint8Array(20) }) }),
  encodeFrame({ type: Ack.id, payload: Ack.encode({ seq: 5 }) }),
  encodeFrame({ type: Heartbeat.id, payload: Heartbeat.encode({ sentAt: 5, echo: 0 }) }),
  encodeFrame({ type: Join.id, payload: Join.encode({ protocol: 1, participantId: 'x', name: 'n' }) }),
];

function mutate(random: () => number): Uint8Array {
  const kind = random();
  if (kind < 0.3) return Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
  const base = valid[Math.floor(random() * valid.length)]!.slice();
  if (kind < 0.6) {
    for (let i = 0, flips = 1 + Math.floor(random() * 4); i < flips; i++) base[Math.floor(random() * base.length)] = Math.floor(random() * 256);
    return base;
  }
  if (kind < 0.8) return base.subarray(0, Math.floor(random() * base.length));
  const tail = Uint8Array.from({ length: Math.floor(random() * 16) }, () => Math.floor(random() * 256));
  const joined = new Uint8Array(base.length + tail.length);
  joined.set(base);
  joined.set(tail, base.length);
  return joined;
}

describe('fuzz', () => {
  it('decodes 100,000 random and mutated frames without throwing', () => {
    const random = prng(1);
    let rejected = 0;
    for (let i = 0; i < 100_000; i++) {
      const result = decodeFrame(mutate(random));
      if (!result.ok) {
        rejected++;
        expect(result.error.code).toBe('malformed-frame');
      }
    }
    expect(rejected).toBeGreaterThan(10_000);
  });

  it('keeps the room working after 100,000 hostile frames from a member', async () => {
    const network = new LoopbackNetwork();
    const room = await roomFixture(async () => ({ transport: async (id) => network.transport(id), cleanup: async () => {} }), {
      rateLimit: false,
    });
    try {
      const hostile = await room.join('Hostile');
      const bystander = await room.join('Bystander');
      const errors = new Map<string, number>();
      room.host.on('error', (error) => errors.set(error.code, (errors.get(error.code) ?? 0) + 1));
      const random = prng(2);
      for (const lane of ['reliable', 'unreliable'] as const) {
        const channel = hostile.session!.link.channels.get(lane)!;
        for (let i = 0; i < 50_000; i++) channel.send(mutate(random));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(errors.get('malformed-frame') ?? 0).toBeGreaterThan(5000);
      // The room still serves everyone, the hostile member included.
      const chat = nextEvent<string>((l) => bystander.on(Chat, (v) => l(v.text)), (text) => text === 'still here');
      hostile.send(Chat, { text: 'still here' });
      expect(await chat).toBe('still here');
      expect(room.host.state).toBe('open');
    } finally {
      await room.cleanup();
    }
  }, 60_000);
});
