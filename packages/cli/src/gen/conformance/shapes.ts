// Random messages in the generated code's shape, and conversions to and from protobufjs reflection's shape, both
// driven by the reflection types of the same .proto (so the oracle and the generator read one schema).
import protobuf from 'protobufjs';

export type Random = () => number;

/** Deterministic PRNG (mulberry32): a failing seed can be replayed. */
export function rng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (next: Random, min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
const pick = <T>(next: Random, items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

function randomBig(next: Random, bits: number, signed: boolean): bigint {
  // Mostly edge-ish and small values, sometimes anything in range.
  const width = pick(next, [1, 7, 8, 31, 32, 33, 53, 54, 63, bits]);
  let value = 0n;
  for (let i = 0; i < Math.min(width, bits); i += 16) value = (value << 16n) | BigInt(int(next, 0, 0xffff));
  value = BigInt.asUintN(Math.min(width, bits), value);
  return signed ? BigInt.asIntN(bits, next() < 0.5 ? -value : value) : BigInt.asUintN(bits, value);
}

const text = ['', 'a', 'héllo', '日本語', '🎉 party', 'line\nbreak', 'x'.repeat(200), '\u0000nul'];

/** A random value of a scalar type, never -0 (protobuf cannot tell it from 0 on every path). */
export function randomScalar(type: string, next: Random): unknown {
  switch (type) {
    case 'double':
      return pick(next, [0, 1, -1, 0.1, 1e300, -1e-300, Number.NaN, Number.POSITIVE_INFINITY, next() * 1e6 - 5e5 || 0]);
    case 'float':
      return Math.fround(pick(next, [0, 1.5, -2.25, 3.4e38, 1e-40, next() * 1000 - 500 || 0])) || 0;
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return pick(next, [0, 1, -1, 2147483647, -2147483648, int(next, -1e9, 1e9)]) || 0;
    case 'uint32':
    case 'fixed32':
      return pick(next, [0, 1, 4294967295, 2147483648, int(next, 0, 4e9)]);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return randomBig(next, 64, true);
    case 'uint64':
    case 'fixed64':
      return randomBig(next, 64, false);
    case 'bool':
      return next() < 0.5;
    case 'string':
      return pick(next, text);
    case 'bytes':
      return Uint8Array.from({ length: pick(next, [0, 1, 3, 40]) }, () => int(next, 0, 255));
    default:
      throw new Error(`no random ${type}`);
  }
}

const isLong = (type: string): boolean => /64$/.test(type);

function zeroOf(field: protobuf.Field): unknown {
  if (field.resolvedType instanceof protobuf.Enum) return 0;
  switch (field.type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    default:
      return isLong(field.type) ? 0n : 0;
  }
}

function isZero(value: unknown): boolean {
  return value === 0 || value === 0n || value === false || value === '' || (value instanceof Uint8Array && value.length === 0);
}

const wellKnown = new Set(['.google.protobuf.Timestamp', '.google.protobuf.Duration']);

function randomSingle(field: protobuf.Field, next: Random, depth: number): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return pick(next, [...Object.values(resolved.values), 99]); // 99: unknown, kept
  if (resolved instanceof protobuf.Type) {
    if (resolved.fullName === '.google.protobuf.Timestamp') return new Date(int(next, -1e12, 4e12));
    if (resolved.fullName === '.google.protobuf.Duration') return int(next, -1e9, 1e9);
    return randomMessage(resolved, next, depth + 1);
  }
  return randomScalar(field.type, next);
}

function keyString(keyType: string, value: unknown): string {
  return String(value);
}

/** A random message of `type` in the generated shape: every implicit field present, presence fields sometimes. */
export function randomMessage(type: protobuf.Type, next: Random, depth = 0): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  const deep = depth > 2;
  for (const oneof of type.oneofsArray) {
    if (oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.['proto3_optional']) continue;
    const field = next() < 0.3 || deep ? undefined : pick(next, oneof.fieldsArray);
    message[oneof.name] = field ? { case: field.name, value: randomSingle(field, next, depth) } : { case: undefined };
  }
  for (const field of type.fieldsArray) {
    if (field.partOf && !field.partOf.fieldsArray[0]?.options?.['proto3_optional']) continue;
    const messageTyped = field.resolvedType instanceof protobuf.Type;
    if (field instanceof protobuf.MapField) {
      const map: Record<string, unknown> = {};
      const count = deep ? 0 : int(next, 0, 3);
      for (let i = 0; i < count; i++) map[keyString(field.keyType, randomScalar(field.keyType, next))] = randomSingle(field, next, depth);
      message[field.name] = map;
    } else if (field.repeated) {
      const count = deep && messageTyped ? 0 : int(next, 0, 4);
      message[field.name] = Array.from({ length: count }, () => randomSingle(field, next, depth));
    } else if (field.partOf || messageTyped) {
      if (!deep && next() < 0.6) message[field.name] = randomSingle(field, next, depth);
    } else {
      message[field.name] = next() < 0.3 ? zeroOf(field) : randomSingle(field, next, depth);
    }
  }
  return message;
}

function toSecondsNanos(ms: number, timestamp: boolean): { seconds: string; nanos: number } {
  let seconds = Math.trunc(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (timestamp && nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return { seconds: String(seconds), nanos };
}

function oracleSingle(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    if (resolved.fullName === '.google.protobuf.Timestamp') return dropZeros(toSecondsNanos((value as Date).getTime(), true));
    if (resolved.fullName === '.google.protobuf.Duration') return dropZeros(toSecondsNanos(value as number, false));
    return toOracle(resolved, value as Record<string, unknown>);
  }
  return typeof value === 'bigint' ? String(value) : value;
}

function dropZeros(value: { seconds: string; nanos: number }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value.seconds !== '0') out['seconds'] = value.seconds;
  if (value.nanos !== 0) out['nanos'] = value.nanos;
  return out;
}

/**
 * The same message as protobufjs reflection wants it: oneof members as plain fields, 64-bit values as decimal strings
 * (exact with long.js), zero implicit fields left out (reflection writes any field that is present).
 */
export function toOracle(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const oneof = field.partOf && !field.partOf.fieldsArray[0]?.options?.['proto3_optional'] ? field.partOf : null;
    if (oneof) {
      const chosen = message[oneof.name] as { case?: string; value?: unknown } | undefined;
      if (chosen?.case === field.name) out[field.name] = oracleSingle(field, chosen.value);
      continue;
    }
    const value = message[field.name];
    if (value === undefined) continue;
    if (field instanceof protobuf.MapField) {
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, oracleSingle(field, v)]);
      if (entries.length > 0) out[field.name] = Object.fromEntries(entries);
    } else if (field.repeated) {
      const items = (value as unknown[]).map((item) => oracleSingle(field, item));
      if (items.length > 0) out[field.name] = items;
    } else if (field.partOf || field.resolvedType instanceof protobuf.Type || !isZero(value)) {
      out[field.name] = oracleSingle(field, value);
    }
  }
  return out;
}

function fromOracleSingle(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const record = value as { seconds?: string; nanos?: number };
    const ms = Number(record.seconds ?? 0) * 1000 + Math.trunc((record.nanos ?? 0) / 1e6);
    if (resolved.fullName === '.google.protobuf.Timestamp') return new Date(ms);
    if (resolved.fullName === '.google.protobuf.Duration') return ms;
    return fromOracle(resolved, value as Record<string, unknown>);
  }
  if (isLong(field.type)) return BigInt(value as string);
  return value instanceof Uint8Array ? new Uint8Array(value) : value;
}

/** A message protobufjs decoded (`toObject` with longs as strings), in the generated code's shape. */
export function fromOracle(type: protobuf.Type, object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const oneof of type.oneofsArray) {
    if (oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.['proto3_optional']) continue;
    const field = oneof.fieldsArray.find((member) => object[member.name] !== undefined);
    out[oneof.name] = field ? { case: field.name, value: fromOracleSingle(field, object[field.name]) } : { case: undefined };
  }
  for (const field of type.fieldsArray) {
    if (field.partOf && !field.partOf.fieldsArray[0]?.options?.['proto3_optional']) continue;
    const value = object[field.name];
    if (field instanceof protobuf.MapField) {
      // protobufjs keys 64-bit maps by an 8-character "long hash"; turn it back into the decimal key.
      const key = (k: string): string =>
        isLong(field.keyType) ? String(protobuf.util.longFromHash(k, /^u|^fixed/.test(field.keyType))) : k;
      const entries = Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [key(k), fromOracleSingle(field, v)]);
      out[field.name] = Object.fromEntries(entries);
    } else if (field.repeated) {
      out[field.name] = ((value ?? []) as unknown[]).map((item) => fromOracleSingle(field, item));
    } else if (value !== undefined && value !== null) {
      out[field.name] = fromOracleSingle(field, value);
    } else if (!field.partOf && !(field.resolvedType instanceof protobuf.Type)) {
      out[field.name] = zeroOf(field);
    }
  }
  return out;
}

/** Makes two decoded messages comparable with toEqual: Buffers and Uint8Arrays alike, Dates as ms. */
export function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (value instanceof Date) return { date: value.getTime() };
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}
