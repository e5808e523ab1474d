import type { EntitySchema, EntityState } from './schema.ts';

/**
 * The world at one tick as the codec sees it: entity ids in ascending order and each entity's quantised
 * field values. Immutable once built: hosts and clients keep recent frames as delta baselines.
 */
export interface WorldFrame {
  readonly ids: readonly number[];
  /** `values[i]` belongs to `ids[i]`, one integer per schema field. */
  readonly values: readonly Uint32Array[];
}

export const emptyFrame: WorldFrame = Object.freeze({ ids: [], values: [] });

/** Quantises entities into a frame. Ids must be integers in 1..2^32-1. */
export function frameFromEntities(schema: EntitySchema, entities: ReadonlyMap<number, EntityState>): WorldFrame {
  const ids = [...entities.keys()].sort((a, b) => a - b);
  return { ids, values: ids.map((id) => schema.quantise(entities.get(id)!)) };
}

/** Dequantised entities of a frame. */
export function entitiesFromFrame(schema: EntitySchema, frame: WorldFrame): Map<number, EntityState> {
  const out = new Map<number, EntityState>();
  for (let i = 0; i < frame.ids.length; i++) out.set(frame.ids[i]!, schema.dequantise(frame.values[i]!));
  return out;
}

export function framesEqual(a: WorldFrame, b: WorldFrame): boolean {
  if (a.ids.length !== b.ids.length) return false;
  for (let i = 0; i < a.ids.length; i++) {
    if (a.ids[i] !== b.ids[i] || !valuesEqual(a.values[i]!, b.values[i]!)) return false;
  }
  return true;
}

export function valuesEqual(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
