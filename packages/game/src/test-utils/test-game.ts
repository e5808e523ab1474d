import { angle, EntitySchema, fixed, int } from '../codec/schema.ts';
import type { EntityState } from '../codec/schema.ts';
import type { GameRules } from '../room/rules.ts';
import { axis } from '../sync/inputs.ts';
import type { Input } from '../sync/inputs.ts';

/** A small top-down game for tests: avatars move at 240 units/s inside a 1024 × 1024 field. */
export const testSchema = new EntitySchema([
  fixed('x', 0, 1024, 1 / 16),
  fixed('y', 0, 1024, 1 / 16),
  angle('heading', 8),
  int('kind', 0, 7),
]);

export const speed = 240;

export function applyTestInput(avatar: EntityState, input: Input, dt: number): void {
  const x = axis(input.moveX);
  const y = axis(input.moveY);
  avatar['x'] = Math.min(1024, Math.max(0, (avatar['x'] ?? 0) + x * speed * dt));
  avatar['y'] = Math.min(1024, Math.max(0, (avatar['y'] ?? 0) + y * speed * dt));
  if (x !== 0 || y !== 0) avatar['heading'] = (Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI);
}

export const testRules: GameRules = { schema: testSchema, tickRate: 60, applyInput: applyTestInput };

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
