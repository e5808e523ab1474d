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

describe('the hand-written envelope reader', () => {
  // A deterministic generator: the same cases every run.
  let state = 12345;
  const random = (): number => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const int = (max: number): number => Math.floor(random() * max);
  const text = (): string => Array.from({ length: int(12) }, () => (random() < 0.2 ? 'é😀'[int(2)] : String.fromCharCode(97 + int(26)))).join('');

  it('reads what the generated Envelope type writes, unknown fields and field order included', () => {
    for (let i = 0; i < 500; i++) {
      const envelope = {
        type: int(2 ** 32),
        payload: new Uint8Array(int(40)).map(() => int(256)),
        seq: int(2) ? int(2 ** 32) : 0,
        sentAt: int(2) ? 1.7e12 + int(1e9) : 0,
        from: int(2) ? text() : '',
        to: int(2) ? text() : '',
        id: int(2) ? int(2 ** 31) : 0,
        ack: int(2) ? int(2 ** 20) : 0,
        sentMs: 0,
      };
      const known = Envelope.encode(envelope);
      // An unknown field of each wire type from a newer peer, somewhere among the known ones.
      const unknown = [0x58, 0x96, 0x01, 0x61, 1, 2, 3, 4, 5, 6, 7, 8, 0x6a, 2, 9, 9, 0x75, 1, 2, 3, 4];
      const cut = int(known.length + 1);
      const bytes = new Uint8Array([...known.subarray(0, cut), ...unknown, ...known.subarray(cut)]);
      // Inserting inside a field corrupts it; only whole-field boundaries are fair.
      const reference = (() => {
        try {
          return Envelope.decode(bytes);
        } catch {
          return undefined;
        }
      })();
      const decoded = decodeFrame(bytes);
      if (reference === undefined) {
        expect(decoded.ok).toBe(false);
        continue;
      }
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      expect(decoded.value).toMatchObject({ type: reference.type, seq: reference.seq, from: reference.from, to: reference.to, id: reference.id, ack: reference.ack });
      expect([...decoded.value.payload]).toEqual([...reference.payload]);
      if (reference.sentAt) expect(decoded.value.sentAt).toBe(reference.sentAt);
    }
  });

  it('turns every truncation and every overlong varint into malformed-frame, never a throw', () => {
    const frame = encodeFrame({ type: 0xdeadbeef, payload: new Uint8Array(20).fill(7), seq: 300, from: 'ada', to: 'bob', id: 9, sentAt: 1.7e12 });
    for (let end = 0; end < frame.length; end++) {
      const decoded = decodeFrame(frame.subarray(0, end));
      if (!decoded.ok) expect(decoded.error.code).toBe('malformed-frame');
    }
    const overlong = new Uint8Array([0x0d, 1, 2, 3, 4, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(decodeFrame(overlong)).toMatchObject({ ok: false, error: { code: 'malformed-frame' } });
    expect(decodeFrame(new Uint8Array([0x0d, 1, 2, 3, 4, 0x13]))).toMatchObject({ ok: false, error: { code: 'malformed-frame' } });
  });
});
