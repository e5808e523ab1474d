import { describe, expect, it } from 'vitest';
import { seeded } from '../test-utils/test-game.ts';
import { BitOverrun } from './bits.ts';
import { decodeDelta, encodeDelta } from './delta.ts';
import { planField, widthFor } from './field-widths.ts';
import { angle, EntitySchema, fixed, int } from './schema.ts';
import type { EntityState } from './schema.ts';
import { frameFromEntities, framesEqual } from './world-frame.ts';
import type { WorldFrame } from './world-frame.ts';

/** The benchmark's scene: a 2048 × 2048 field, positions to 1/8 unit, everything gliding at 60–240 units/s. */
const schema = new EntitySchema([fixed('x', 0, 2048, 1 / 8), fixed('y', 0, 2048, 1 / 8), angle('heading', 8), int('kind', 0, 3), int('color', 0, 15)]);

function movingFrames(count: number, snapshots: number): WorldFrame[] {
  const random = seeded(count);
  const world = new Map<number, EntityState>();
  const velocity = new Map<number, [number, number]>();
  for (let id = 1; id <= count; id++) {
    const speed = 60 + random() * 180;
    const direction = random() * Math.PI * 2;
    world.set(id, { x: 200 + random() * 1648, y: 200 + random() * 1648, heading: direction, kind: id % 4, color: id % 16 });
    velocity.set(id, [Math.cos(direction) * speed, Math.sin(direction) * speed]);
  }
  const frames: WorldFrame[] = [];
  for (let s = 0; s < snapshots; s++) {
    for (const [id, e] of world) {
      const [vx, vy] = velocity.get(id)!;
      // One snapshot at 20 Hz: 50 ms of motion.
      e['x'] = e['x']! + vx * 0.05;
      e['y'] = e['y']! + vy * 0.05;
    }
    frames.push(frameFromEntities(schema, world));
  }
  return frames;
}

describe('delta codec size', () => {
  it('sends 256 moving entities in under 2.6 B each against the previous snapshot (was ~3.6 B)', () => {
    const frames = movingFrames(256, 4);
    let bytes = 0;
    for (let i = 1; i < frames.length; i++) {
      const data = encodeDelta(schema, frames[i - 1]!, frames[i]!);
      expect(framesEqual(decodeDelta(schema, frames[i - 1]!, data), frames[i]!)).toBe(true);
      bytes += data.length;
    }
    expect(bytes / (frames.length - 1) / 256).toBeLessThan(2.6);
  });

  it('picks per snapshot the narrowest width for the changes, and no bits for a field nothing changed', () => {
    const x = schema.fields[0]!;
    expect(widthFor(0)).toBe(1);
    expect(widthFor(1)).toBe(2);
    expect(widthFor(-96)).toBe(8);
    expect(planField(x, [0, 0, 0]).used).toBe(false);
    expect(planField(x, [90, -96, 50, 12])).toEqual({ used: true, width: 8, sparse: false });
    // One teleport among slow movers is escaped, not allowed to widen everyone.
    expect(planField(x, [3, -2, 1, 3, 9000]).width).toBe(3);
    // Mostly still: a bit per entity says which changed.
    expect(planField(x, [0, 0, 0, 0, 0, 0, 5]).sparse).toBe(true);
  });

  it('never decodes truncated or garbage bytes to anything but a typed error or a valid frame', () => {
    const frames = movingFrames(64, 2);
    const good = encodeDelta(schema, frames[0]!, frames[1]!);
    const random = seeded(5);
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      let data: Uint8Array;
      if (i % 3 === 0) data = good.slice(0, Math.floor(random() * good.length));
      else if (i % 3 === 1) data = Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      else {
        data = good.slice();
        for (let k = 0; k < 4; k++) data[Math.floor(random() * data.length)]! ^= 1 << Math.floor(random() * 8);
      }
      try {
        const frame = decodeDelta(schema, frames[0]!, data);
        // Whatever decodes is a well-formed frame: ascending ids, values within every field's range.
        for (let e = 0; e < frame.ids.length; e++) {
          if (e > 0) expect(frame.ids[e]!).toBeGreaterThan(frame.ids[e - 1]!);
          schema.fields.forEach((field, f) => expect(frame.values[e]![f]!).toBeLessThanOrEqual(2 ** field.bits - 1));
        }
      } catch (error) {
        expect(error instanceof BitOverrun || error instanceof RangeError).toBe(true);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});
