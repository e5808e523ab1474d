import { angle, axis, EntitySchema, fixed, int } from '@beckon/game';
import type { EntityState, GameRules, Input } from '@beckon/game';

/** The arena, in world units (drawn scaled to fit the window). */
export const arena = { width: 1600, height: 900 } as const;

export const Kind = { avatar: 0, gem: 1, star: 2 } as const;

export const avatarRadius = 22;
export const gemRadius = 14;
export const starRadius = 20;
/** World units per second at full stick. */
export const avatarSpeed = 360;

/**
 * Every entity: a position to 1/8 unit, a heading in 8 bits, its kind, and a colour index. About 47 bits full;
 * a moving avatar's delta is some 25 bits, a resting gem's 1 bit.
 */
export const schema = new EntitySchema([
  fixed('x', 0, arena.width, 1 / 8),
  fixed('y', 0, arena.height, 1 / 8),
  angle('heading', 8),
  int('kind', 0, 3),
  int('color', 0, 15),
]);

/** Moves an avatar by one input. Shared by the host and the player's own client (prediction), so deterministic. */
export function applyInput(avatar: EntityState, input: Input, dt: number): void {
  let x = axis(input.moveX);
  let y = axis(input.moveY);
  const length = Math.hypot(x, y);
  // Diagonals are no faster than straight lines.
  if (length > 1) {
    x /= length;
    y /= length;
  }
  avatar['x'] = clamp((avatar['x'] ?? 0) + x * avatarSpeed * dt, avatarRadius, arena.width - avatarRadius);
  avatar['y'] = clamp((avatar['y'] ?? 0) + y * avatarSpeed * dt, avatarRadius, arena.height - avatarRadius);
  if (length > 0.05) avatar['heading'] = (Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI);
}

export const rules: GameRules = { schema, tickRate: 60, applyInput };

export const palette = [0x4cc9f0, 0xf72585, 0xb8f35b, 0xffb703, 0x9d4edd, 0x00f5d4, 0xff6b6b, 0xf4f1de] as const;

export function colorOf(index: number): number {
  return palette[index % palette.length]!;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
