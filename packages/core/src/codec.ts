import { Writer } from './wire/index.ts';
import { BeckonError } from './errors.ts';
import { describe, now } from './util.ts';

/**
 * The wire envelope (protos/beckon/envelope.proto), encoded by hand on the hot path so a frame is written
 * in one pass. `codec.test.ts` proves it is byte-compatible with the generated `Envelope` type.
 */
export interface Frame {
  /** Wire id of the payload's message type. */
  readonly type: number;
  readonly payload: Uint8Array;
  /** Reliable-message sequence number to acknowledge; 0 = none. */
  readonly seq: number;
  /** Sender's clock, ms since the Unix epoch. */
  readonly sentAt: number;
  /** Original sender's participant id, stamped by the host when relaying; empty otherwise. */
  readonly from: string;
  /** Single recipient's participant id; empty = host or everyone. */
  readonly to: string;
  /** Room-level id of a reliable message in its sender's stream, for exactly-once delivery across reconnects; 0 = none. */
  readonly id: number;
  /** Piggybacked acknowledgement: the highest reliable seq handled from the other side; 0 = none. */
  readonly ack?: number;
}

export type FrameInit = Pick<Frame, 'type' | 'payload'> & Partial<Omit<Frame, 'type' | 'payload'>>;

const TAG_TYPE = (1 << 3) | 5; // fixed32
const TAG_PAYLOAD = (2 << 3) | 2;
const TAG_SEQ = (3 << 3) | 0;
const TAG_SENT_AT = (4 << 3) | 1; // double
const TAG_FROM = (5 << 3) | 2;
const TAG_TO = (6 << 3) | 2;
const TAG_ID = (7 << 3) | 0;
const TAG_ACK = (8 << 3) | 0;
const TAG_SENT_MS = (10 << 3) | 0;

/** `sent_ms` carries the clock modulo 2^28 ms: 4 varint bytes, unambiguous while two clocks differ by under 37 hours. */
const sentMsWrap = 2 ** 28;

/** The clock as written on the wire: whole ms modulo 2^28, never 0 (0 means not stamped). */
export function wireClock(sentAt: number): number {
  return Math.floor(sentAt) % sentMsWrap || sentMsWrap - 1;
}

/** A wire clock back to ms since the epoch: the value with those low bits nearest to `reference` (the receiver's clock). */
export function fromWireClock(sentMs: number, reference: number): number {
  const base = reference - (reference % sentMsWrap) + sentMs;
  // The nearest of base - wrap, base and base + wrap (no array: this runs for every frame).
  const half = sentMsWrap / 2;
  if (base - reference > half) return base - sentMsWrap;
  if (reference - base > half) return base + sentMsWrap;
  return base;
}

const emptyBytes = new Uint8Array(0);

/** `seq`, `sentAt` and `ack` come apart from the frame so the send path needs no copy of it to set them. */
function writeHeadFields(writer: Writer, frame: FrameInit, seq: number | undefined, sentAt: number | undefined, ack = frame.ack): void {
  if (seq) writer.uint32(TAG_SEQ).uint32(seq);
  if (frame.from) writer.uint32(TAG_FROM).string(frame.from);
  if (frame.to) writer.uint32(TAG_TO).string(frame.to);
  if (frame.id) writer.uint32(TAG_ID).uint32(frame.id);
  if (ack) writer.uint32(TAG_ACK).uint32(ack);
  if (sentAt) writer.uint32(TAG_SENT_MS).uint32(wireClock(sentAt));
}

/**
 * Writes one whole frame into `writer`, for a caller that hands the writer's bytes to a channel (which copies them) and
 * releases it: a small frame leaving at once needs no buffer of its own.
 */
export function writeFrame(writer: Writer, frame: FrameInit, seq: number, sentAt: number, ack: number): void {
  writer.uint32(TAG_TYPE).fixed32(frame.type);
  if (frame.payload.length > 0) writer.uint32(TAG_PAYLOAD).bytes(frame.payload);
  writeHeadFields(writer, frame, seq, sentAt, ack);
}

/** Most bytes `appendAck` adds: a tag and a 32-bit varint. */
export const maxAckBytes = 6;

/**
 * A frame with an `ack` field appended, written as it leaves (protobuf fields may come in any order). With `inPlace`,
 * the frame came from `encodeFrame(…, maxAckBytes)` and the ack is written into the room after it: no copy.
 */
export function appendAck(frame: Uint8Array, ack: number, inPlace = false): Uint8Array {
  let length = 1;
  for (let rest = ack >>> 7; rest > 0; rest >>>= 7) length++;
  const size = frame.length + 1 + length;
  let out: Uint8Array;
  if (inPlace && frame.byteOffset + size <= frame.buffer.byteLength) {
    out = new Uint8Array(frame.buffer, frame.byteOffset, size);
  } else {
    out = new Uint8Array(size);
    out.set(frame);
  }
  let at = frame.length;
  out[at++] = TAG_ACK;
  let value = ack >>> 0;
  while (value > 0x7f) {
    out[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[at] = value;
  return out;
}

/**
 * One frame in one pass. `spare` bytes of room are left after it in its buffer (for `appendAck` in place); `seq` and
 * `sentAt`, when given, stand for the frame's own.
 */
export function encodeFrame(frame: FrameInit, spare = 0, seq = frame.seq, sentAt = frame.sentAt): Uint8Array {
  const writer = Writer.create();
  writer.uint32(TAG_TYPE).fixed32(frame.type);
  if (frame.payload.length > 0) writer.uint32(TAG_PAYLOAD).bytes(frame.payload);
  writeHeadFields(writer, frame, seq, sentAt);
  return writer.finish(spare);
}

/**
 * Everything of a frame except the payload's bytes, ending with the payload's tag and length: `head + payload` is a
 * valid frame (protobuf fields may come in any order). Lets a large message be chunked without copying its payload.
 */
export function encodeFrameHead(frame: FrameInit, seq = frame.seq, sentAt = frame.sentAt): Uint8Array {
  const writer = Writer.create();
  writer.uint32(TAG_TYPE).fixed32(frame.type);
  writeHeadFields(writer, frame, seq, sentAt);
  writer.uint32(TAG_PAYLOAD).uint32(frame.payload.length);
  return writer.finish();
}

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: BeckonError };

/** Decodes one frame. Never throws: malformed bytes come back as a `malformed-frame` error. */
export function decodeFrame(bytes: Uint8Array): DecodeResult<Frame> {
  try {
    return { ok: true, value: readFrame(bytes) };
  } catch (cause) {
    return {
      ok: false,
      error: new BeckonError('malformed-frame', `Malformed frame (${bytes.length} bytes): ${describe(cause)}`, { cause }),
    };
  }
}

// The envelope is read by hand, not with protobufjs's Reader: every frame passes here, and a reader object, its
// bounds-checked calls and a view made through `Function.call` for each field were a tenth of a round trip's CPU.
// `at` is the read position; decoding never re-enters, so one module-level cursor serves.
let at = 0;

function varint(bytes: Uint8Array): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (at >= bytes.length) throw new Error('truncated varint');
    const byte = bytes[at++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return value >>> 0;
  }
  // Bytes 6 to 10 of a 64-bit varint: only the low 32 bits are kept, as protobufjs does for uint32.
  for (let i = 0; i < 5; i++) {
    if (at >= bytes.length) throw new Error('truncated varint');
    if (bytes[at++]! < 0x80) return value >>> 0;
  }
  throw new Error('varint longer than 10 bytes');
}

function take(bytes: Uint8Array, length: number): number {
  const start = at;
  if (length > bytes.length - at) throw new Error(`field of ${length} bytes overruns the frame`);
  at += length;
  return start;
}

const utf8 = new TextDecoder();

function text(bytes: Uint8Array): string {
  const length = varint(bytes);
  const start = take(bytes, length);
  // Participant ids are short ASCII: no decoder call for them.
  if (length <= 32) {
    let ascii = '';
    for (let i = start; i < start + length; i++) {
      const code = bytes[i]!;
      if (code >= 0x80) return utf8.decode(bytes.subarray(start, start + length));
      ascii += String.fromCharCode(code);
    }
    return ascii;
  }
  return utf8.decode(bytes.subarray(start, start + length));
}

const doubleView = new DataView(new ArrayBuffer(8));

function readFrame(bytes: Uint8Array): Frame {
  at = 0;
  let type: number | undefined;
  let payload: Uint8Array = emptyBytes;
  let seq = 0;
  let sentAt = 0;
  let from = '';
  let to = '';
  let id = 0;
  let ack = 0;
  let sentMs = 0;
  while (at < bytes.length) {
    const tag = varint(bytes);
    switch (tag) {
      case TAG_TYPE: {
        const start = take(bytes, 4);
        type = (bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16) | (bytes[start + 3]! << 24)) >>> 0;
        break;
      }
      case TAG_PAYLOAD: {
        const length = varint(bytes);
        const start = take(bytes, length);
        payload = length === 0 ? emptyBytes : bytes.subarray(start, start + length);
        break;
      }
      case TAG_SEQ:
        seq = varint(bytes);
        break;
      case TAG_SENT_AT: {
        const start = take(bytes, 8);
        for (let i = 0; i < 8; i++) doubleView.setUint8(i, bytes[start + i]!);
        sentAt = doubleView.getFloat64(0, true);
        break;
      }
      case TAG_FROM:
        from = text(bytes);
        break;
      case TAG_TO:
        to = text(bytes);
        break;
      case TAG_ID:
        id = varint(bytes);
        break;
      case TAG_ACK:
        ack = varint(bytes);
        break;
      case TAG_SENT_MS:
        sentMs = varint(bytes);
        break;
      default:
        skip(bytes, tag);
    }
  }
  if (type === undefined) throw new Error('frame has no type');
  if (sentMs) sentAt = fromWireClock(sentMs, now());
  return { type, payload, seq, sentAt, from, to, id, ack };
}

/** Unknown fields from a newer peer are skipped, as protobuf promises; groups (deprecated) and bad wire types are not. */
function skip(bytes: Uint8Array, tag: number): void {
  if (tag >>> 3 === 0) throw new Error(`invalid tag ${tag}`);
  switch (tag & 7) {
    case 0:
      varint(bytes);
      return;
    case 1:
      take(bytes, 8);
      return;
    case 2:
      take(bytes, varint(bytes));
      return;
    case 5:
      take(bytes, 4);
      return;
    default:
      throw new Error(`invalid wire type ${tag & 7} (tag ${tag})`);
  }
}
