import { Reader, Writer } from './wire/index.ts';
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

/** `seq` and `sentAt` come apart from the frame so the send path needs no copy of it to set them. */
function writeHeadFields(writer: Writer, frame: FrameInit, seq: number | undefined, sentAt: number | undefined): void {
  if (seq) writer.uint32(TAG_SEQ).uint32(seq);
  if (frame.from) writer.uint32(TAG_FROM).string(frame.from);
  if (frame.to) writer.uint32(TAG_TO).string(frame.to);
  if (frame.id) writer.uint32(TAG_ID).uint32(frame.id);
  if (frame.ack) writer.uint32(TAG_ACK).uint32(frame.ack);
  if (sentAt) writer.uint32(TAG_SENT_MS).uint32(wireClock(sentAt));
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
    const reader = Reader.create(bytes);
    let type: number | undefined;
    let payload: Uint8Array = emptyBytes;
    let seq = 0;
    let sentAt = 0;
    let from = '';
    let to = '';
    let id = 0;
    let ack = 0;
    let sentMs = 0;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      switch (tag) {
        case TAG_TYPE:
          type = reader.fixed32();
          break;
        case TAG_PAYLOAD:
          payload = reader.bytes();
          break;
        case TAG_SEQ:
          seq = reader.uint32();
          break;
        case TAG_SENT_AT:
          sentAt = reader.double();
          break;
        case TAG_FROM:
          from = reader.string();
          break;
        case TAG_TO:
          to = reader.string();
          break;
        case TAG_ID:
          id = reader.uint32();
          break;
        case TAG_ACK:
          ack = reader.uint32();
          break;
        case TAG_SENT_MS:
          sentMs = reader.uint32();
          break;
        default:
          // Unknown fields from a newer peer are skipped, as protobuf promises.
          if (tag === 0 || (tag & 7) === 4) throw new Error(`invalid tag ${tag}`);
          reader.skipType(tag & 7);
      }
    }
    if (type === undefined) throw new Error('frame has no type');
    if (sentMs) sentAt = fromWireClock(sentMs, now());
    return { ok: true, value: { type, payload, seq, sentAt, from, to, id, ack } };
  } catch (cause) {
    return {
      ok: false,
      error: new BeckonError('malformed-frame', `Malformed frame (${bytes.length} bytes): ${describe(cause)}`, { cause }),
    };
  }
}
