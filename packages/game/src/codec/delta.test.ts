import { describe, expect, it } from 'vitest';
import { SnapshotHistory } from '../sync/snapshot-history.ts';
import type { EncodedSnapshot } from '../sync/snapshot-history.ts';
import { SnapshotReceiver } from '../sync/snapshot-receiver.ts';
import { seeded, testSchema } from '../test-utils/test-game.ts';
import { decodeDelta, decodeFull, encodeDelta, encodeFull } from './delta.ts';
import { angle, EntitySchema, fixed } from './schema.ts';
import type { EntityState } from './schema.ts';
import { emptyFrame, entitiesFromFrame, frameFromEntities, framesEqual } from './world-frame.ts';
import type { WorldFrame } from './world-frame.ts';

/** A world that changes a little every tick: moves, turns, spawns, despawns, kind changes. */
function evolvingWorld(seed: number) {
  const random = seeded(seed);
  const world = new Map<number, EntityState>();
  let nextId = 1;
  const spawn = (): void => {
    world.set(nextId++, { x: random() * 1024, y: random() * 1024, heading: random() * 7, kind: Math.floor(random() * 8) });
  };
  for (let i = 0; i < 40; i++) spawn();
  return {
    world,
    step(): void {
      for (const [id, e] of world) {
        const r = random();
        if (r < 0.5) {
          e['x'] = Math.min(1024, Math.max(0, e['x']! + (random() - 0.5) * 12));
          e['y'] = Math.min(1024, Math.max(0, e['y']! + (random() - 0.5) * 12));
          e['heading'] = e['heading']! + (random() - 0.5);
        } else if (r < 0.52) {
          e['x'] = random() * 1024; // teleport: too far for the small-change encoding
        } else if (r < 0.525) {
          e['kind'] = Math.floor(random() * 8);
        } else if (r < 0.528) {
          world.delete(id);
        }
      }
      if (random() < 0.3) spawn();
    },
  };
}

describe('delta codec', () => {
  it('round-trips exactly against every earlier frame as a baseline', () => {
    const { world, step } = evolvingWorld(7);
    const frames: WorldFrame[] = [emptyFrame];
    for (let t = 0; t < 60; t++) {
      step();
      frames.push(frameFromEntities(testSchema, world));
    }
    const current = frames.at(-1)!;
    for (const baseline of frames) {
      const decoded = decodeDelta(testSchema, baseline, encodeDelta(testSchema, baseline, current));
      expect(framesEqual(decoded, current)).toBe(true);
    }
    expect(framesEqual(decodeFull(testSchema, encodeFull(testSchema, current)), current)).toBe(true);
  });

  it('sends an unchanged world as one byte and unchanged entities as one bit each', () => {
    const { world } = evolvingWorld(3);
    const frame = frameFromEntities(testSchema, world);
    expect(encodeDelta(testSchema, frame, frameFromEntities(testSchema, world))).toEqual(new Uint8Array([1]));
    // One entity moves a little: 40 entities → 39 one-bit markers + one changed entity of ~30 bits + the count.
    const moved = new Map(world);
    moved.set(1, { ...world.get(1)!, x: world.get(1)!['x']! + 1 });
    const bytes = encodeDelta(testSchema, frame, frameFromEntities(testSchema, moved));
    expect(bytes.length).toBeLessThanOrEqual(10);
    expect(encodeFull(testSchema, frame).length).toBeGreaterThan(40 * 5);
  });

  it('quantises to the field precision and wraps angles', () => {
    const schema = new EntitySchema([fixed('x', -10, 10, 0.01), angle('a', 8)]);
    const round = schema.round({ x: 3.14159, a: 2 * Math.PI + 0.5 });
    expect(round['x']).toBeCloseTo(3.14, 5);
    expect(Math.abs(round['a']! - 0.5)).toBeLessThan((2 * Math.PI) / 256);
    expect(schema.round({ x: 99, a: -0.1 })['x']).toBe(10);
    expect(schema.round({ x: 0, a: -0.1 })['a']).toBeGreaterThan(6);
    // An angle crossing 0 is a small change, not a whole-turn one.
    // Eight entities turning across 0 by 2 steps: 8 × (1 marker + 3 bits) and the headers fit in 7 bytes; whole-turn
    // values (8 bits each) would not.
    const ids = [1, 2, 3, 4, 5, 6, 7, 8];
    const from = frameFromEntities(schema, new Map(ids.map((id) => [id, { x: 0, a: 6.27 }])));
    const to = frameFromEntities(schema, new Map(ids.map((id) => [id, { x: 0, a: 0.01 }])));
    const bytes = encodeDelta(schema, from, to);
    expect(bytes.length).toBeLessThanOrEqual(7);
    expect(framesEqual(decodeDelta(schema, from, bytes), to)).toBe(true);
  });

  it('converges through 25% loss, reordering and lost acks, and never decodes a wrong state', () => {
    const random = seeded(11);
    const { world, step } = evolvingWorld(5);
    const history = new SnapshotHistory(testSchema, 32);
    const receiver = new SnapshotReceiver(testSchema, 32);
    let hostAck = 0;
    const downlink: { due: number; snapshot: EncodedSnapshot }[] = [];
    const uplink: { due: number; ack: number }[] = [];
    let deltas = 0;
    let fulls = 0;
    for (let t = 1; t <= 600; t++) {
      step();
      history.take(t, frameFromEntities(testSchema, world));
      const snapshot = history.encodeLatest(hostAck);
      if (snapshot.baseline === 0) fulls++;
      else deltas++;
      // 25% lost; the rest arrive 0–5 steps later, so they overtake each other.
      if (random() >= 0.25 || t > 590) downlink.push({ due: t + Math.floor(random() * 6), snapshot });
      for (const packet of downlink.filter((p) => p.due <= t)) {
        downlink.splice(downlink.indexOf(packet), 1);
        const received = receiver.receive(packet.snapshot);
        if (received) {
          // Whatever arrived, and in whatever order, what is decoded is exactly what the host had at that seq.
          expect(framesEqual(received.frame, history.frame(received.seq) ?? received.frame)).toBe(true);
          expect(received.frame).toEqual(history.frame(received.seq));
        }
        if (random() >= 0.25) uplink.push({ due: t + Math.floor(random() * 6), ack: receiver.ack });
      }
      for (const packet of uplink.filter((p) => p.due <= t)) {
        uplink.splice(uplink.indexOf(packet), 1);
        if (packet.ack > hostAck) hostAck = packet.ack;
      }
    }
    for (let t = 601; t < 620; t++) {
      for (const packet of downlink.splice(0)) receiver.receive(packet.snapshot);
    }
    // The last snapshots all arrived: the client ends on the host's final world.
    expect(entitiesFromFrame(testSchema, receiver.frame(receiver.ack)!)).toEqual(entitiesFromFrame(testSchema, history.frame(history.latestSeq)!));
    expect(receiver.ack).toBe(history.latestSeq);
    expect(receiver.stats.decoded).toBeGreaterThan(400);
    expect(receiver.stats.late).toBeGreaterThan(10);
    expect(receiver.stats.gaps).toBeGreaterThan(50);
    // Deltas are the rule once acks flow; fulls only at the start (or when the baseline fell out of history).
    expect(deltas).toBeGreaterThan(fulls * 20);
  });

  it('drops snapshots with an unknown baseline or corrupt bytes without touching the kept state', () => {
    const random = seeded(2);
    const { world, step } = evolvingWorld(9);
    const history = new SnapshotHistory(testSchema);
    const receiver = new SnapshotReceiver(testSchema);
    history.take(1, frameFromEntities(testSchema, world));
    expect(receiver.receive(history.encodeLatest(0))).toBeDefined();
    const kept = receiver.frame(1)!;
    const keptCopy = structuredClone(kept);
    step();
    history.take(2, frameFromEntities(testSchema, world));
    step();
    history.take(3, frameFromEntities(testSchema, world));
    // Encoded against seq 2, which this client never received.
    expect(receiver.receive(history.encodeLatest(2))).toBeUndefined();
    expect(receiver.stats.missingBaseline).toBe(1);
    const good = history.encodeLatest(1);
    let malformed = 0;
    for (let i = 0; i < 300; i++) {
      const data = good.data.slice(0, Math.floor(random() * good.data.length));
      if (random() < 0.5 && data.length > 0) data[Math.floor(random() * data.length)]! ^= 1 << Math.floor(random() * 8);
      const fresh = new SnapshotReceiver(testSchema);
      fresh.receive({ seq: 1, baseline: 0, tick: 1, data: encodeFull(testSchema, kept) });
      const result = fresh.receive({ ...good, data });
      if (!result) malformed++;
      // The baseline a corrupt delta was decoded against is unchanged.
      expect(fresh.frame(1)).toEqual(keptCopy);
    }
    expect(malformed).toBeGreaterThan(100);
    expect(receiver.frame(1)).toEqual(keptCopy);
    expect(receiver.receive(good)?.frame).toEqual(history.frame(3));
  });
});
