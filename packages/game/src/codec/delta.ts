import { BitReader, BitWriter } from './bits.ts';
import type { EntitySchema, FieldSpec } from './schema.ts';
import { emptyFrame, valuesEqual } from './world-frame.ts';
import type { WorldFrame } from './world-frame.ts';

/**
 * Snapshot delta compression after Glenn Fiedler's "Snapshot Compression" and Quake 3: the host encodes the
 * current frame against a baseline the client has acknowledged (or against nothing: a full snapshot).
 *
 * Layout, all bit-packed:
 * - 1 bit: identical to the baseline (nothing follows).
 * - For each baseline entity, in id order: `1` unchanged (the cheap marker), `01` changed (then its fields),
 *   `00` removed.
 * - varuint count of new entities; each: varuint id gap, then every field at full width.
 * - A changed entity's field: `0` unchanged, or `1` then either `1` + a signed change in `deltaBits`, or `0` +
 *   the absolute value in `bits` (fields whose deltaBits is their full width skip that choice).
 */
export function encodeDelta(schema: EntitySchema, baseline: WorldFrame, current: WorldFrame, writer = new BitWriter()): Uint8Array {
  const fields = schema.fields;
  if (isIdentical(baseline, current)) {
    writer.writeBool(true);
    return writer.finish();
  }
  writer.writeBool(false);
  let c = 0;
  const added: number[] = [];
  for (let b = 0; b < baseline.ids.length; b++) {
    const id = baseline.ids[b]!;
    while (c < current.ids.length && current.ids[c]! < id) added.push(c++);
    if (c < current.ids.length && current.ids[c] === id) {
      const base = baseline.values[b]!;
      const now = current.values[c]!;
      if (valuesEqual(base, now)) {
        writer.write(1, 1);
      } else {
        writer.write(0b10, 2); // low bit first: 0 then 1 = changed
        for (let f = 0; f < fields.length; f++) writeField(writer, fields[f]!, base[f]!, now[f]!);
      }
      c++;
    } else {
      writer.write(0, 2);
    }
  }
  while (c < current.ids.length) added.push(c++);
  writer.writeVarUint(added.length);
  let previous = 0;
  for (const index of added) {
    const id = current.ids[index]!;
    writer.writeVarUint(id - previous - 1);
    previous = id;
    const now = current.values[index]!;
    for (let f = 0; f < fields.length; f++) writer.write(now[f]!, fields[f]!.bits);
  }
  return writer.finish();
}

/** Largest number of new entities one snapshot may add: a bound on what a malformed packet can make us allocate. */
export const maxNewEntities = 65_536;

/**
 * Decodes a snapshot encoded against `baseline`. Throws (BitOverrun or RangeError) on malformed bytes; the
 * baseline is never modified, so a bad or lost packet cannot corrupt the client's state.
 */
export function decodeDelta(schema: EntitySchema, baseline: WorldFrame, bytes: Uint8Array): WorldFrame {
  const fields = schema.fields;
  const reader = new BitReader(bytes);
  if (reader.readBool()) return baseline;
  const kept: { id: number; values: Uint32Array }[] = [];
  for (let b = 0; b < baseline.ids.length; b++) {
    const id = baseline.ids[b]!;
    const base = baseline.values[b]!;
    if (reader.readBool()) {
      kept.push({ id, values: base });
    } else if (reader.readBool()) {
      const values = new Uint32Array(fields.length);
      for (let f = 0; f < fields.length; f++) values[f] = readField(reader, fields[f]!, base[f]!);
      kept.push({ id, values });
    }
  }
  const count = reader.readVarUint();
  if (count > maxNewEntities) throw new RangeError(`Snapshot adds ${count} entities`);
  const added: { id: number; values: Uint32Array }[] = [];
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const id = previous + reader.readVarUint() + 1;
    if (id > 0xffff_ffff) throw new RangeError('Entity id out of range');
    previous = id;
    const values = new Uint32Array(fields.length);
    for (let f = 0; f < fields.length; f++) values[f] = readAbsolute(reader, fields[f]!);
    added.push({ id, values });
  }
  return merge(kept, added);
}

/** A full snapshot: the delta against an empty world. */
export function encodeFull(schema: EntitySchema, current: WorldFrame, writer?: BitWriter): Uint8Array {
  return encodeDelta(schema, emptyFrame, current, writer);
}

export function decodeFull(schema: EntitySchema, bytes: Uint8Array): WorldFrame {
  return decodeDelta(schema, emptyFrame, bytes);
}

function isIdentical(a: WorldFrame, b: WorldFrame): boolean {
  if (a === b) return true;
  if (a.ids.length !== b.ids.length || a.ids.length === 0) return false;
  for (let i = 0; i < a.ids.length; i++) {
    if (a.ids[i] !== b.ids[i] || !valuesEqual(a.values[i]!, b.values[i]!)) return false;
  }
  return true;
}

function writeField(writer: BitWriter, field: FieldSpec, base: number, now: number): void {
  if (base === now) {
    writer.write(0, 1);
    return;
  }
  writer.write(1, 1);
  if (field.deltaBits >= field.bits) {
    writer.write(now, field.bits);
    return;
  }
  const change = signedChange(field, base, now);
  const limit = 2 ** (field.deltaBits - 1);
  if (change >= -limit && change < limit) {
    writer.write(1, 1);
    writer.writeSigned(change, field.deltaBits);
  } else {
    writer.write(0, 1);
    writer.write(now, field.bits);
  }
}

function readField(reader: BitReader, field: FieldSpec, base: number): number {
  if (!reader.readBool()) return base;
  if (field.deltaBits >= field.bits || !reader.readBool()) return readAbsolute(reader, field);
  const change = reader.readSigned(field.deltaBits);
  const size = 2 ** field.bits;
  const value = base + change;
  if (field.wraps) return ((value % size) + size) % size;
  if (value < 0 || value > field.steps) throw new RangeError(`Field ${field.name} out of range`);
  return value;
}

function readAbsolute(reader: BitReader, field: FieldSpec): number {
  const value = reader.read(field.bits);
  if (value > field.steps) throw new RangeError(`Field ${field.name} out of range`);
  return value;
}

/** now - base, the short way round for wrapping fields. */
function signedChange(field: FieldSpec, base: number, now: number): number {
  const change = now - base;
  if (!field.wraps) return change;
  const size = 2 ** field.bits;
  const half = size / 2;
  return ((((change + half) % size) + size) % size) - half;
}

function merge(kept: readonly { id: number; values: Uint32Array }[], added: readonly { id: number; values: Uint32Array }[]): WorldFrame {
  const ids: number[] = [];
  const values: Uint32Array[] = [];
  let k = 0;
  let a = 0;
  while (k < kept.length || a < added.length) {
    const nextKept = kept[k];
    const nextAdded = added[a];
    if (nextAdded === undefined || (nextKept !== undefined && nextKept.id < nextAdded.id)) {
      ids.push(nextKept!.id);
      values.push(nextKept!.values);
      k++;
    } else {
      if (nextKept !== undefined && nextKept.id === nextAdded.id) throw new RangeError(`Entity ${nextAdded.id} added twice`);
      ids.push(nextAdded.id);
      values.push(nextAdded.values);
      a++;
    }
  }
  return { ids, values };
}
