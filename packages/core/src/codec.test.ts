import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { appendAck, decodeFrame, encodeFrame, encodeFrameHead, fromWireClock, maxAckBytes, wireClock } from './codec.ts';
import { Chunk } from './gen/control.ts';
import { Envelope } from './gen/envelope.ts';
import { encodeChunkFrame } from './session/index.ts';
import { typeId } from './schema.ts';

describe('frame codec', () => {
  // The clock travels as whole ms modulo 2^28 (`sent_ms`); the receiver rebuilds it next to its own clock.
  const sentAt = Math.floor(Date.now()) - 1234;
  const sample = { type: typeId('demo.Chat'), payload: Uint8Array.of(1, 2, 3, 250), seq: 42, sentAt, from: 'ada', to: 'bea', id: 9, ack: 77 };
  const { sentAt: _clock, ...rest } = sample;
  const wire = { ...rest, sentMs: wireClock(sentAt) };

  it('writes exactly what the generated Envelope type writes', () => {
    expect(Array.from(encodeFrame(sample))).toEqual(Array.from(Envelope.encode(wire)));
  });

  it('reads what the generated Envelope type writes, and the reverse', () => {
    const decoded = decodeFrame(Envelope.encode(wire));
    expect(decoded.ok && { ...decoded.value, payload: Array.from(decoded.value.payload) }).toEqual({ ...sample, payload: [1, 2, 3, 250] });
    const envelope = Envelope.decode(encodeFrame(sample));
    expect(envelope.seq).toBe(42);
    expect(envelope.from).toBe('ada');
  });

  it('rebuilds the sender clock across the 2^28 ms wrap, whichever side of it each clock is', () => {
    const wrap = 2 ** 28;
    for (const [sent, receiver] of [
      [5 * wrap - 10, 5 * wrap + 30],
      [5 * wrap + 10, 5 * wrap - 30],
      [1_763_000_000_123, 1_763_000_000_123 + 36 * 3600_000],
      [1_763_000_000_123, 1_763_000_000_123 - 36 * 3600_000],
    ] as const) {
      expect(fromWireClock(wireClock(sent), receiver)).toBe(sent);
    }
  });

  it('is 4 bytes smaller than with a double clock', () => {
    const frame = { type: 7, payload: Uint8Array.of(1, 2), sentAt: 1_763_000_000_123 };
    expect(encodeFrame(frame).length).toBe(Envelope.encode({ ...frame, sentAt: 1.5 }).length - 4);
  });

  it('reads an ack appended to a finished frame', () => {
    for (const ack of [1, 127, 128, 300_000, 0xffffffff]) {
      const decoded = decodeFrame(appendAck(encodeFrame(sample), ack));
      expect(decoded.ok && [decoded.value.ack, decoded.value.seq, Array.from(decoded.value.payload)]).toEqual([ack, 42, [1, 2, 3, 250]]);
    }
  });

  it('skips fields a newer peer added to the envelope', () => {
    const newer = protobuf.parse(
      'syntax = "proto3"; package beckon; message Envelope { fixed32 type = 1; bytes payload = 2; uint32 priority = 9; string trace = 12; }',
    ).root.lookupType('beckon.Envelope');
    const bytes = newer.encode({ type: 7, payload: Uint8Array.of(9), priority: 3, trace: 'abc' }).finish();
    const decoded = decodeFrame(bytes);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect([decoded.value.type, Array.from(decoded.value.payload)]).toEqual([7, [9]]);
  });

  it('returns a malformed-frame error instead of throwing', () => {
    for (const bytes of [Uint8Array.of(), Uint8Array.of(0x12, 0x50, 1), Uint8Array.of(0x0d, 1, 2), Uint8Array.of(0x07), Uint8Array.of(0x0c)]) {
      const decoded = decodeFrame(bytes);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error.code).toBe('malformed-frame');
    }
  });

  it('writes chunk frames exactly as the generated Chunk inside an envelope', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const job = { transfer: 7, index: 3, count: 12, type: typeId('demo.File'), message: { length: 190_000 } };
    const expected = encodeFrame({ type: Chunk.id, payload: Chunk.encode({ transfer: 7, index: 3, count: 12, totalBytes: 190_000, data, type: job.type }) });
    expect(Array.from(encodeChunkFrame(job, data))).toEqual(Array.from(expected));
    // Zero fields are left out (protobufjs would write them when present): the generated type still reads them as 0.
    const first = decodeFrame(encodeChunkFrame({ ...job, index: 0 }, data));
    expect(first.ok).toBe(true);
    if (first.ok) expect(Chunk.decode(first.value.payload)).toMatchObject({ transfer: 7, index: 0, count: 12, totalBytes: 190_000, type: job.type });
  });

  it('makes a frame head that, followed by the payload, decodes as the whole frame', () => {
    const head = encodeFrameHead(sample);
    const joined = new Uint8Array(head.length + sample.payload.length);
    joined.set(head);
    joined.set(sample.payload, head.length);
    const decoded = decodeFrame(joined);
    expect(decoded.ok && { ...decoded.value, payload: Array.from(decoded.value.payload) }).toEqual({ ...sample, payload: [1, 2, 3, 250] });
    expect(joined.length).toBe(encodeFrame(sample).length);
  });
});

describe('acks appended as a frame leaves', () => {
  it('writes into the room left after the frame, giving the same bytes as a copy, and never past its own buffer', () => {
    const frame = encodeFrame({ type: 7, payload: new Uint8Array([1, 2, 3]), seq: 9 }, maxAckBytes);
    const copied = appendAck(frame, 300);
    const inPlace = appendAck(frame, 300, true);
    expect([...inPlace]).toEqual([...copied]);
    expect(inPlace.buffer).toBe(frame.buffer);
    expect(decodeFrame(inPlace)).toMatchObject({ ok: true, value: { type: 7, seq: 9, ack: 300 } });
    // A frame that fills its buffer gets a copy.
    const tight = new Uint8Array(copied.subarray(0, frame.length));
    const grown = appendAck(tight, 5, true);
    expect(grown.buffer).not.toBe(tight.buffer);
    expect(decodeFrame(grown)).toMatchObject({ ok: true, value: { ack: 5 } });
  });
});
