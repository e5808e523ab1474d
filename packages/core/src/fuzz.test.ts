import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './codec.ts';
import { Ack, Chunk, Heartbeat, Hello, Join } from './gen/control.ts';
import { defaultLanes } from './lanes.ts';
import { Chat, Cursor, RaiseHand, Tiny } from './test-utils/test-schema.ts';
import { LoopbackNetwork } from './loopback.ts';
import { roomFixture } from './test-utils/room-suite.ts';
import { nextEvent } from './test-utils/wait.ts';
import { memberSession } from './testing.ts';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Copied into plain Uint8Arrays: in Node encodeFrame returns a Buffer, whose slice() is a view, and mutating a view
// would corrupt these originals.
const valid = [
  encodeFrame({ type: Chat.id, payload: Chat.encode({ text: 'hello there' }), seq: 3 }),
  encodeFrame({ type: RaiseHand.id, payload: RaiseHand.encode({ raised: true }) }),
  encodeFrame({ type: Cursor.id, payload: Cursor.encode({ x: 1.5, y: 2 }), sentAt: Date.now() }),
  encodeFrame({ type: Chunk.id, payload: Chunk.encode({ transfer: 1, index: 0, count: 3, totalBytes: 40, data: new Uint8Array(20) }) }),
  encodeFrame({ type: Ack.id, payload: Ack.encode({ seq: 5 }) }),
  encodeFrame({ type: Heartbeat.id, payload: Heartbeat.encode({ sentAt: 5, echo: 0 }) }),
  encodeFrame({ type: Hello.id, payload: Hello.encode({ protocol: 2, nonce: new Uint8Array(16) }) }),
  encodeFrame({ type: Join.id, payload: Join.encode({ protocol: 2, participantId: '__proto__', name: 'n', metadata: { constructor: 'x' } }) }),
].map((frame) => Uint8Array.from(frame));

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
        const channel = memberSession(hostile)!.link.channels.get(lane)!;
        for (let i = 0; i < 50_000; i++) channel.send(mutate(random));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(errors.get('malformed-frame') ?? 0).toBeGreaterThan(5000);
      // The room still serves everyone, the hostile member included. (What the hostile member sends itself may be
      // taken for copies: forged message ids only spoil its own stream.)
      const chat = nextEvent<string>((l) => hostile.on(Chat, (v) => l(v.text)), (text) => text === 'still here');
      bystander.send(Chat, { text: 'still here' });
      expect(await chat).toBe('still here');
      const late = await room.join('Late');
      const heard = nextEvent<string>((l) => bystander.on(Chat, (v) => l(v.text)), (text) => text === 'hello from late');
      late.send(Chat, { text: 'hello from late' });
      expect(await heard).toBe('hello from late');
      expect(room.host.state).toBe('open');
    } finally {
      await room.cleanup();
    }
  }, 60_000);
});

/** Valid envelopes of every kind, mutated field by field: types, ids, addresses and payloads a hostile peer would pick. */
function structured(random: () => number): Uint8Array {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const base = decodeFrame(pick(valid));
  if (!base.ok) throw base.error;
  const frame = base.value;
  // A real copy: in Node a decoded payload may be a Buffer, whose slice() is a view into the original.
  const payload = Uint8Array.from(frame.payload);
  if (payload.length > 0 && random() < 0.5) payload[Math.floor(random() * payload.length)] = Math.floor(random() * 256);
  const ids = ['', '__proto__', 'constructor', 'toString', 'x'.repeat(300), '\u202eevil', 'host'];
  return encodeFrame({
    type: random() < 0.8 ? frame.type : pick([Hello.id, Join.id, Chunk.id, Ack.id, Heartbeat.id, Chat.id, Tiny.id, Math.floor(random() * 2 ** 32)]),
    payload: random() < 0.1 ? new Uint8Array(Math.floor(random() * 70_000)) : payload,
    seq: random() < 0.5 ? frame.seq : pick([0, 1, 2 ** 31, 2 ** 32 - 1, Math.floor(random() * 1000)]),
    sentAt: random() < 0.5 ? frame.sentAt : pick([0, -1, Number.NaN, Number.MAX_VALUE]),
    from: random() < 0.7 ? frame.from : pick(ids),
    to: random() < 0.7 ? frame.to : pick(ids),
    id: random() < 0.5 ? frame.id : pick([0, 1, 2 ** 32 - 1, Math.floor(random() * 100)]),
  });
}

describe('structure-aware fuzz against a live host with rate limits on', () => {
  it('refuses mutated envelopes from a stranger and from a member, and keeps serving the others', async () => {
    const network = new LoopbackNetwork();
    const room = await roomFixture(async () => ({ transport: async (id) => network.transport(id), cleanup: async () => {} }));
    try {
      const calm = await room.join('Calm');
      const hostile = await room.join('Hostile');
      let thrown = 0;
      room.host.on('error', () => undefined);
      const random = prng(3);
      // A stranger that never joins: cut off after a few frames.
      for (let n = 0; n < 5; n++) {
        const link = await network.transport(`stranger-${n}`).connect(room.host.transport.localId, { lanes: defaultLanes, timeoutMs: 2000 });
        for (const channel of link.channels.values()) channel.setHandlers({ onOpen() {}, onClose() {}, onError() {}, onBufferedAmountLow() {}, onMessage() {} });
        for (let i = 0; i < 200 && link.channels.get('reliable')!.state === 'open'; i++) {
          try {
            link.channels.get(i % 2 ? 'reliable' : 'unreliable')!.send(structured(random));
          } catch {
            thrown++;
          }
        }
      }
      // A member, on every lane, until the host removes it.
      for (let i = 0; i < 20_000; i++) {
        const channel = memberSession(hostile)?.link.channels.get(i % 3 === 0 ? 'unreliable' : 'reliable');
        if (!channel || channel.state !== 'open') break;
        channel.send(structured(random));
        if (i % 2000 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(({} as Record<string, unknown>)['evil']).toBeUndefined();
      expect(room.host.state).toBe('open');
      expect(room.host.participants.map((p) => p.name)).toContain('Calm');
      expect(room.host.participants.filter((p) => p.id === '__proto__' || p.id === 'constructor')).toEqual([]);
      // The calm member still gets its verdicts.
      expect(await calm.request(RaiseHand, { raised: true })).toMatchObject({ ok: true });
      expect(thrown).toBe(0);
    } finally {
      await room.cleanup();
    }
  }, 60_000);
});
