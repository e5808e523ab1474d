// 64-bit integers as exact bigints. protobufjs/minimal reads them as lossy numbers unless long.js is present, so the
// bits are read here directly from the Reader's buffer; writes go through its Long-shaped `{ low, high }` input.
import type { Reader } from './protobuf.ts';
import type { Writer } from './writer.ts';
import { EncodeError } from './encode-error.ts';

const maxU64 = (1n << 64n) - 1n;
const minI64 = -(1n << 63n);
const maxI64 = (1n << 63n) - 1n;
const decimal = /^-?[0-9]+$/;

/**
 * A 64-bit field's value as a bigint: bigints, safe-integer numbers and decimal strings are accepted (all exact);
 * anything else, or a value out of the field's range, throws.
 */
export function toInt64(value: unknown, field: string, unsigned: boolean): bigint {
  let big: bigint | undefined;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && decimal.test(value)) big = BigInt(value);
  const type = unsigned ? 'uint64' : 'int64';
  if (big === undefined) throw new EncodeError(field, `${type} (a bigint, a safe integer or a decimal string)`, value);
  if (unsigned ? big < 0n || big > maxU64 : big < minI64 || big > maxI64) throw new EncodeError(field, `${type} in range`, value);
  return big;
}

/** Long-shaped bits protobufjs's Writer accepts for its 64-bit methods. */
function bits(value: bigint): { low: number; high: number; unsigned: boolean } {
  const u = BigInt.asUintN(64, value);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false };
}

export function writeInt64(writer: Writer, value: bigint): Writer {
  return writer.int64(bits(value));
}

export function writeSint64(writer: Writer, value: bigint): Writer {
  return writer.sint64(bits(value));
}

export function writeFixed64(writer: Writer, value: bigint): Writer {
  return writer.fixed64(bits(value));
}

// The two halves of the last 64-bit value read (saves an allocation per read).
let lo = 0;
let hi = 0;

function outOfRange(reader: Reader): RangeError {
  return new RangeError(`index out of range: ${reader.pos} + 1 > ${reader.len}`);
}

function readVarintBits(reader: Reader): void {
  const buf = reader.buf;
  const len = reader.len;
  let pos = reader.pos;
  let byte = 0;
  lo = 0;
  hi = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) throw outOfRange(reader);
    byte = buf[pos++] as number;
    lo |= (byte & 127) << shift;
    if (byte < 128) {
      lo >>>= 0;
      reader.pos = pos;
      return;
    }
  }
  if (pos >= len) throw outOfRange(reader);
  byte = buf[pos++] as number;
  lo = (lo | ((byte & 127) << 28)) >>> 0;
  hi = (byte & 127) >> 4;
  if (byte < 128) {
    reader.pos = pos;
    return;
  }
  for (let shift = 3; shift < 32; shift += 7) {
    if (pos >= len) throw outOfRange(reader);
    byte = buf[pos++] as number;
    hi = (hi | ((byte & 127) << shift)) >>> 0;
    if (byte < 128) {
      reader.pos = pos;
      return;
    }
  }
  throw new Error('invalid varint encoding');
}

function unsignedValue(): bigint {
  return hi < 0x200000 ? BigInt(hi * 4294967296 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

function signedValue(): bigint {
  const high = hi | 0;
  return high >= -0x200000 && high < 0x200000 ? BigInt(high * 4294967296 + lo) : BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo));
}

export function readUint64(reader: Reader): bigint {
  readVarintBits(reader);
  return unsignedValue();
}

export function readInt64(reader: Reader): bigint {
  readVarintBits(reader);
  return signedValue();
}

export function readSint64(reader: Reader): bigint {
  readVarintBits(reader);
  const mask = -(lo & 1);
  lo = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
  hi = ((hi >>> 1) ^ mask) >>> 0;
  return signedValue();
}

export function readFixed64(reader: Reader): bigint {
  lo = reader.fixed32();
  hi = reader.fixed32();
  return unsignedValue();
}

export function readSfixed64(reader: Reader): bigint {
  lo = reader.fixed32();
  hi = reader.fixed32();
  return signedValue();
}
