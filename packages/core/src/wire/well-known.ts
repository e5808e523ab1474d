// google.protobuf.Timestamp as a Date and google.protobuf.Duration as milliseconds: what JavaScript code already uses.
// Both keep millisecond precision (a Date has no more; nanoseconds below a millisecond are dropped on decode).
import type { Reader } from './protobuf.ts';
import type { Writer } from './writer.ts';
import { checkEnd, skipField } from './protobuf.ts';
import { EncodeError } from './encode-error.ts';
import { readInt64, toInt64, writeInt64 } from './int64.ts';

export function writeTimestamp(value: unknown, writer: Writer, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new EncodeError(field, 'a valid Date (Timestamp)', value);
  writeSecondsNanos(value.getTime(), writer, field, true);
}

export function readTimestamp(reader: Reader, length: number): Date {
  return new Date(readMillis(reader, length));
}

export function writeDuration(value: unknown, writer: Writer, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new EncodeError(field, 'milliseconds as a finite number (Duration)', value);
  writeSecondsNanos(value, writer, field, false);
}

export function readDuration(reader: Reader, length: number): number {
  return readMillis(reader, length);
}

function writeSecondsNanos(ms: number, writer: Writer, field: string, timestamp: boolean): void {
  // Duration's seconds and nanos share a sign; a Timestamp's nanos are never negative (seconds round towards -∞).
  let whole = Math.trunc(ms / 1000);
  let nanos = Math.round((ms - whole * 1000) * 1e6);
  if (timestamp && nanos < 0) {
    whole -= 1;
    nanos += 1e9;
  }
  if (whole !== 0) writeInt64(writer.uint32(8), toInt64(whole, `${field}.seconds`, false));
  if (nanos !== 0) writer.uint32(16).int32(nanos);
}

function readMillis(reader: Reader, length: number): number {
  const end = reader.pos + length;
  let seconds = 0n;
  let nanos = 0;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 8) seconds = readInt64(reader);
    else if (tag === 16) nanos = reader.int32();
    else skipField(reader, tag);
  }
  checkEnd(reader, end);
  return Number(seconds) * 1000 + Math.trunc(nanos / 1e6);
}
