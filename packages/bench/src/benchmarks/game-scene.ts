import { angle, EntitySchema, fixed, int } from '@beckon/game';
import type { EntityState, GameRules } from '@beckon/game';
import { seededRandom } from '../harness/random.ts';

// ---- The scene: N entities moving about a 2048 × 2048 field, the arena demo's field layout -------------------

export const schema = new EntitySchema([
  fixed('x', 0, 2048, 1 / 8),
  fixed('y', 0, 2048, 1 / 8),
  angle('heading', 8),
  int('kind', 0, 3),
  int('color', 0, 15),
]);
export const rules: GameRules = { schema, tickRate: 60, applyInput: () => {} };
export const tickRate = 60;
export const snapshotRate = 20;

interface Mover {
  vx: number;
  vy: number;
  turn: number;
}

/** Entities gliding at 60–240 units/s, turning gently and bouncing off the walls (what a game's movers do). */
export function makeScene(count: number, seed = 1) {
  const random = seededRandom(seed);
  const world = new Map<number, EntityState>();
  const movers = new Map<number, Mover>();
  for (let id = 1; id <= count; id++) {
    const speed = 60 + random() * 180;
    const direction = random() * Math.PI * 2;
    world.set(id, { x: random() * 2048, y: random() * 2048, heading: direction, kind: id % 4, color: id % 16 });
    movers.set(id, { vx: Math.cos(direction) * speed, vy: Math.sin(direction) * speed, turn: (random() - 0.5) * 1.2 });
  }
  return {
    world,
    step(dt: number): void {
      for (const [id, e] of world) {
        const m = movers.get(id)!;
        const c = Math.cos(m.turn * dt);
        const s = Math.sin(m.turn * dt);
        [m.vx, m.vy] = [m.vx * c - m.vy * s, m.vx * s + m.vy * c];
        let x = e['x']! + m.vx * dt;
        let y = e['y']! + m.vy * dt;
        if (x < 0 || x > 2048) {
          m.vx = -m.vx;
          x = Math.min(2048, Math.max(0, x));
        }
        if (y < 0 || y > 2048) {
          m.vy = -m.vy;
          y = Math.min(2048, Math.max(0, y));
        }
        e['x'] = x;
        e['y'] = y;
        e['heading'] = (Math.atan2(m.vy, m.vx) + Math.PI * 2) % (Math.PI * 2);
      }
    },
  };
}
