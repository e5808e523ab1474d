/**
 * What an entity is made of: named numeric fields, each quantised to an integer range on the host before it
 * is sent, so the codec packs exactly `bits` per value and client and host agree on every value bit for bit.
 */
export type Interpolation = 'linear' | 'angle' | 'step';

export interface FieldSpec {
  readonly name: string;
  /** Smallest representable value. */
  readonly min: number;
  /** Step between representable values (1 for integers). */
  readonly precision: number;
  /** Largest quantised value (values run 0..steps). */
  readonly steps: number;
  /** Width of a quantised value. */
  readonly bits: number;
  /** Unused by the codec since widths are chosen per snapshot (see field-widths.ts); kept for compatibility. */
  readonly deltaBits: number;
  /** Angles wrap around: 2π - ε and 0 are neighbours. */
  readonly wraps: boolean;
  readonly interpolation: Interpolation;
}

export interface FieldOptions {
  /** @deprecated The codec picks change widths per snapshot; this is ignored. */
  readonly deltaBits?: number;
  readonly interpolation?: Interpolation;
}

function bitsFor(steps: number): number {
  return Math.max(1, Math.ceil(Math.log2(steps + 1)));
}

function defaultDeltaBits(bits: number): number {
  return Math.min(bits, Math.max(2, Math.ceil(bits / 2) + 1));
}

/** A real number in [min, max], kept to `precision` (for example positions to 1/16 of a pixel). */
export function fixed(name: string, min: number, max: number, precision: number, options: FieldOptions = {}): FieldSpec {
  if (!(max > min) || !(precision > 0)) throw new RangeError(`Field ${name}: need max > min and precision > 0`);
  const steps = Math.round((max - min) / precision);
  const bits = bitsFor(steps);
  if (bits > 32) throw new RangeError(`Field ${name} needs ${bits} bits; at most 32`);
  return {
    name,
    min,
    precision,
    steps,
    bits,
    deltaBits: options.deltaBits ?? defaultDeltaBits(bits),
    wraps: false,
    interpolation: options.interpolation ?? 'linear',
  };
}

/** An integer in [min, max] (a kind, a colour index, a flag set). Not interpolated unless asked. */
export function int(name: string, min: number, max: number, options: FieldOptions = {}): FieldSpec {
  const bits = bitsFor(max - min);
  if (!Number.isInteger(min) || !Number.isInteger(max) || bits > 32) throw new RangeError(`Field ${name}: integer range too wide`);
  return {
    name,
    min,
    precision: 1,
    steps: max - min,
    bits,
    deltaBits: options.deltaBits ?? defaultDeltaBits(bits),
    wraps: false,
    interpolation: options.interpolation ?? 'step',
  };
}

/** An angle in radians, wrapping, in `bits` bits (8 bits is 1.4°). */
export function angle(name: string, bits = 8, options: FieldOptions = {}): FieldSpec {
  return {
    name,
    min: 0,
    precision: (2 * Math.PI) / 2 ** bits,
    steps: 2 ** bits - 1,
    bits,
    deltaBits: options.deltaBits ?? defaultDeltaBits(bits),
    wraps: true,
    interpolation: options.interpolation ?? 'angle',
  };
}

/** A boolean (0 or 1). */
export function flag(name: string): FieldSpec {
  return { name, min: 0, precision: 1, steps: 1, bits: 1, deltaBits: 1, wraps: false, interpolation: 'step' };
}

/** An entity's state: field name to value. */
export type EntityState = Record<string, number>;

/** The fields of every entity, in wire order. One schema per game; host and clients must use the same one. */
export class EntitySchema {
  readonly fields: readonly FieldSpec[];
  readonly #index: ReadonlyMap<string, number>;

  constructor(fields: readonly FieldSpec[]) {
    const names = new Set<string>();
    for (const field of fields) {
      if (names.has(field.name)) throw new Error(`Duplicate field ${field.name}`);
      names.add(field.name);
    }
    this.fields = fields;
    this.#index = new Map(fields.map((field, i) => [field.name, i]));
  }

  indexOf(name: string): number {
    const index = this.#index.get(name);
    if (index === undefined) throw new Error(`No field ${name}`);
    return index;
  }

  /** Integer value of a field: clamped to its range (angles wrapped). */
  quantiseField(field: FieldSpec, value: number): number {
    const top = field.steps;
    if (!Number.isFinite(value)) return 0;
    if (field.wraps) {
      const steps = 2 ** field.bits;
      return ((Math.round(value / field.precision) % steps) + steps) % steps;
    }
    const q = Math.round((value - field.min) / field.precision);
    return q < 0 ? 0 : q > top ? top : q;
  }

  dequantiseField(field: FieldSpec, q: number): number {
    return field.min + q * field.precision;
  }

  /** An entity's state as the integers the codec sends (missing fields are the field's minimum). */
  quantise(state: EntityState): Uint32Array {
    const out = new Uint32Array(this.fields.length);
    for (let i = 0; i < this.fields.length; i++) {
      const field = this.fields[i]!;
      out[i] = this.quantiseField(field, state[field.name] ?? field.min);
    }
    return out;
  }

  dequantise(values: Uint32Array): EntityState {
    const out: EntityState = {};
    for (let i = 0; i < this.fields.length; i++) {
      const field = this.fields[i]!;
      out[field.name] = this.dequantiseField(field, values[i] ?? 0);
    }
    return out;
  }

  /** What a value becomes after a trip through the wire. */
  round(state: EntityState): EntityState {
    return this.dequantise(this.quantise(state));
  }
}
