import { StreamChunk } from '../gen/control.ts';

/**
 * A whole frame (Envelope) carrying a StreamChunk, written in one pass into one buffer: one copy of the data between
 * the app's bytes and the channel. Wire-compatible with `encodeFrame` of `StreamChunk.encode` (chunk-frame.test.ts).
 */
export function encodeStreamChunkFrame(id: number, index: number, data: Uint8Array, scratch?: Uint8Array): Uint8Array {
  const length = data.byteLength;
  const payloadLength = (id ? 1 + varintSize(id) : 0) + (index ? 1 + varintSize(index) : 0) + (length ? 1 + varintSize(length) + length : 0);
  const size = 1 + 4 + (payloadLength ? 1 + varintSize(payloadLength) + payloadLength : 0);
  // Into the caller's scratch when it fits (a view of it comes back), else a buffer of its own.
  const frame = scratch && scratch.byteLength >= size ? scratch.subarray(0, size) : new Uint8Array(size);
  let at = 0;
  frame[at++] = (1 << 3) | 5; // Envelope.type, fixed32
  const type = StreamChunk.id >>> 0;
  frame[at++] = type & 0xff;
  frame[at++] = (type >>> 8) & 0xff;
  frame[at++] = (type >>> 16) & 0xff;
  frame[at++] = type >>> 24;
  if (payloadLength === 0) return frame;
  frame[at++] = (2 << 3) | 2; // Envelope.payload
  at = writeVarint(frame, at, payloadLength);
  if (id) {
    frame[at++] = (1 << 3) | 0;
    at = writeVarint(frame, at, id);
  }
  if (index) {
    frame[at++] = (2 << 3) | 0;
    at = writeVarint(frame, at, index);
  }
  if (length) {
    frame[at++] = (3 << 3) | 2;
    at = writeVarint(frame, at, length);
    frame.set(data, at);
  }
  return frame;
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value >>> 7; rest > 0; rest >>>= 7) size++;
  return size;
}

function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  let rest = value >>> 0;
  while (rest > 0x7f) {
    bytes[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  bytes[at++] = rest;
  return at;
}
