import { BitReader, BitWriter } from './bits.ts';
import { planField } from './field-widths.ts';
import type { FieldPlan } from './field-widths.ts';
import type { EntitySchema, FieldSpec } from './schema.ts';
import { emptyFrame, valuesEqual } from './world-frame.ts';
import type { WorldFrame } from './world-frame.ts';

/**
 * Snapshot delta compression after Glenn Fiedler's "Snapshot Compression" and Quake 3: the host encodes the
 * current frame against a baseline the client has acknowledged (or against nothing: a full snapshot).
 *
 * Layout, all bit-packed:
 * - 1 bit: identical to the baseline (nothing follows).
 * - 1 bit: which marker is short. Markers, for each baseline entity in id order: the common case of "changed" or
 *   "unchanged" is `1`, the other `01`, and `00` removed (a world where everything moves pays 1 bit, not 2).
 * - Per schema field, its plan for this snapshot (see FieldPlan): a field no entity changed costs nothing per entity;
 *   changes are written at the width this snapshot's changes need, so a slow world sends narrow deltas.
 * - A changed entity's fields, in schema order: per used field, (sparse: `0` unchanged or `1`, then) the value.
 * - varuint count of new entities; each: varuint id gap (consecutive ids cost 5 bits), then every field at full width.
 */
export function encodeDelta(schema: EntitySchema, baseline: WorldFrame, current: WorldFrame, writer = new BitWriter()): Uint8Array {
  const fields = schema.fields;
  if (isIdentical(baseline, current)) {
    writer.writeBool(true);
    return writer.finish();
  }
  writer.writeBool(false);
  // First pass: match entities and gather every field's changes, so each field's plan fits this snapshot.
  const markers = new Uint8Array(baseline.ids.length); // 0 removed, 1 unchanged, 2 changed
  const changedPairs: number[] = []; // baseline index, current index
  const added: number[] = [];
  let c = 0;
  for (let b = 0; b < baseline.ids.length; b++) {
    const id = baseline.ids[b]!;
    while (c < current.ids.length && current.ids[c]! < id) added.push(c++);
    if (c < current.ids.length && current.ids[c] === id) {
      if (valuesEqual(baseline.values[b]!, current.values[c]!)) {
        markers[b] = 1;
      } else {
        markers[b] = 2;
        changedPairs.push(b, c);
      }
      c++;
    }
  }
  while (c < current.ids.length) added.push(c++);
  const changedCount = changedPairs.length / 2;
  const plans: FieldPlan[] = [];
  const changes = new Float64Array(changedCount);
  for (let f = 0; f < fields.length; f++) {
    for (let i = 0; i < changedCount; i++) {
      changes[i] = signedChange(fields[f]!, baseline.values[changedPairs[2 * i]!]![f]!, current.values[changedPairs[2 * i + 1]!]![f]!);
    }
    plans.push(planField(fields[f]!, changes));
  }
  const changedShort = changedCount * 2 >= baseline.ids.length;
  writer.writeBool(changedShort);
  for (const plan of plans) {
    writer.writeBool(plan.used);
    if (!plan.used) continue;
    writer.write(plan.width - 1, 5);
    writer.writeBool(plan.sparse);
  }
  let pair = 0;
  for (let b = 0; b < baseline.ids.length; b++) {
    const marker = markers[b]!;
    if (marker === 0) {
      writer.write(0, 2);
      continue;
    }
    const short = (marker === 2) === changedShort;
    if (short) writer.write(1, 1);
    else writer.write(0b10, 2); // low bit first: 0 then 1
    if (marker !== 2) continue;
    const base = baseline.values[changedPairs[2 * pair]!]!;
    const now = current.values[changedPairs[2 * pair + 1]!]!;
    pair++;
    for (let f = 0; f < fields.length; f++) writeField(writer, fields[f]!, plans[f]!, base[f]!, now[f]!);
  }
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
  const changedShort = reader.readBool();
  const plans: FieldPlan[] = [];
  for (const field of fields) {
    if (!reader.readBool()) {
      plans.push({ used: false, width: 1, sparse: true });
      continue;
    }
    const width = reader.read(5) + 1;
    if (width > field.bits) throw new RangeError(`Field ${field.name}: ${width}-bit changes in a ${field.bits}-bit field`);
    plans.push({ used: true, width, sparse: reader.readBool() });
  }
  const kept: { id: number; values: Uint32Array }[] = [];
  for (let b = 0; b < baseline.ids.length; b++) {
    const id = baseline.ids[b]!;
    const base = baseline.values[b]!;
    let changed: boolean;
    if (reader.readBool()) changed = changedShort;
    else if (reader.readBool()) changed = !changedShort;
    else continue; // removed
    if (!changed) {
      kept.push({ id, values: base });
      continue;
    }
    const values = new Uint32Array(fields.length);
    for (let f = 0; f < fields.length; f++) values[f] = readField(reader, fields[f]!, plans[f]!, base[f]!);
    kept.push({ id, values });
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

function writeField(writer: BitWriter, field: FieldSpec, plan: FieldPlan, base: number, now: number): void {
  if (!plan.used) return;
  if (plan.sparse) {
    writer.writeBool(base !== now);
    if (base === now) return;
  }
  if (plan.width >= field.bits) {
    writer.write(now, field.bits);
    return;
  }
  const change = signedChange(field, base, now);
  const half = 2 ** (plan.width - 1);
  if (change > -half && change < half) {
    writer.write(change + half, plan.width);
  } else {
    writer.write(0, plan.width); // the escape: the absolute value follows
    writer.write(now, field.bits);
  }
}

function readField(reader: BitReader, field: FieldSpec, plan: FieldPlan, base: number): number {
  if (!plan.used || (plan.sparse && !reader.readBool())) return base;
  if (plan.width >= field.bits) return readAbsolute(reader, field);
  const code = reader.read(plan.width);
  if (code === 0) return readAbsolute(reader, field);
  const value = base + code - 2 ** (plan.width - 1);
  const size = 2 ** field.bits;
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
