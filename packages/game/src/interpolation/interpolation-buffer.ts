import type { EntitySchema, EntityState, FieldSpec } from '../codec/schema.ts';

export interface InterpolationOptions {
  /** How far behind the newest snapshot remote entities are shown. 100 ms rides out one lost snapshot at 20 Hz. */
  readonly delayMs?: number;
  /** Past the newest snapshot, motion continues for at most this long, then holds (Source caps it at 250 ms). */
  readonly maxExtrapolationMs?: number;
  /** Snapshots kept. */
  readonly capacity?: number;
}

interface Sample {
  readonly time: number;
  readonly entities: ReadonlyMap<number, EntityState>;
}

/**
 * Remote entities, shown a little in the past so there is almost always a snapshot on each side of the time
 * shown: positions blend between the two, angles the short way round, integer fields step. When snapshots stop
 * coming, motion is extrapolated from the last two for a bounded time, then holds.
 */
export class InterpolationBuffer {
  readonly schema: EntitySchema;
  readonly delayMs: number;
  readonly maxExtrapolationMs: number;
  readonly capacity: number;
  readonly #samples: Sample[] = [];
  /** Times sampled past the newest snapshot, for statistics. */
  extrapolated = 0;

  constructor(schema: EntitySchema, options: InterpolationOptions = {}) {
    this.schema = schema;
    this.delayMs = options.delayMs ?? 100;
    this.maxExtrapolationMs = options.maxExtrapolationMs ?? 250;
    this.capacity = options.capacity ?? 32;
  }

  get newestTime(): number | undefined {
    return this.#samples.at(-1)?.time;
  }

  get length(): number {
    return this.#samples.length;
  }

  /** Adds the world at host time `time` (ms). Out-of-order snapshots are slotted in place; duplicates ignored. */
  push(time: number, entities: ReadonlyMap<number, EntityState>): void {
    const samples = this.#samples;
    let i = samples.length;
    while (i > 0 && samples[i - 1]!.time > time) i--;
    if (i > 0 && samples[i - 1]!.time === time) return;
    samples.splice(i, 0, { time, entities });
    while (samples.length > this.capacity) samples.shift();
  }

  clear(): void {
    this.#samples.length = 0;
  }

  /** Every entity's state at host time `time`. */
  sample(time: number): Map<number, EntityState> {
    const samples = this.#samples;
    const first = samples[0];
    if (!first) return new Map();
    if (time <= first.time) return copy(first.entities);
    const last = samples.at(-1)!;
    if (time >= last.time) {
      const previous = samples.at(-2);
      if (time > last.time) this.extrapolated++;
      if (!previous) return copy(last.entities);
      const ahead = Math.min(time - last.time, this.maxExtrapolationMs);
      // Continue along the last step: t = 1 is `last`, beyond 1 extrapolates.
      return this.#blend(previous, last, 1 + ahead / (last.time - previous.time), true);
    }
    let i = samples.length - 2;
    while (i > 0 && samples[i]!.time > time) i--;
    const a = samples[i]!;
    const b = samples[i + 1]!;
    return this.#blend(a, b, (time - a.time) / (b.time - a.time), false);
  }

  #blend(a: Sample, b: Sample, t: number, extrapolating: boolean): Map<number, EntityState> {
    const out = new Map<number, EntityState>();
    const fields = this.schema.fields;
    for (const [id, to] of b.entities) {
      const from = a.entities.get(id);
      if (!from) {
        out.set(id, { ...to });
        continue;
      }
      const state: EntityState = {};
      for (const field of fields) state[field.name] = mix(field, from[field.name] ?? 0, to[field.name] ?? 0, t);
      out.set(id, state);
    }
    // Gone in `b`: still there until b's time, gone after.
    if (!extrapolating) {
      for (const [id, from] of a.entities) if (!b.entities.has(id)) out.set(id, { ...from });
    }
    return out;
  }
}

function mix(field: FieldSpec, from: number, to: number, t: number): number {
  switch (field.interpolation) {
    case 'step':
      return t < 1 ? from : to;
    case 'angle': {
      const turn = 2 * Math.PI;
      let change = (to - from) % turn;
      if (change > Math.PI) change -= turn;
      if (change < -Math.PI) change += turn;
      return (((from + change * t) % turn) + turn) % turn;
    }
    case 'linear':
      return from + (to - from) * t;
  }
}

function copy(entities: ReadonlyMap<number, EntityState>): Map<number, EntityState> {
  return new Map([...entities].map(([id, state]) => [id, { ...state }]));
}
