// Conformance: the generated static codecs against protobufjs full reflection as the oracle, both ways, on random
// messages of a schema with every scalar, packed and unpacked repeated fields, maps of every key kind, nested types,
// oneofs, enums, optional fields, well-known types and unknown fields.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { MessageType } from '@beckon/core';
import * as generated from './gen/conformance.ts';
import { comparable, fromOracle, randomMessage, rng, toOracle } from './shapes.ts';

const protoFile = fileURLToPath(new URL('../../../../../protos/test/conformance.proto', import.meta.url));
const root = new protobuf.Root();
root.loadSync(protoFile);
root.resolveAll();

const messages = ['Scalars', 'Repeated', 'Maps', 'Optionals', 'Oneofs', 'Nested', 'Everything'] as const;
const rounds = 300;

// protobufjs writes a bool map key from the object key string, so "false" becomes true on its side; our side is
// checked through its decoder instead (the other direction below).
function withoutFalseBoolKeys(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(message);
  const strip = (t: protobuf.Type, m: Record<string, unknown> | undefined): void => {
    if (!m) return;
    for (const field of t.fieldsArray) {
      const value = m[field.name];
      if (field instanceof protobuf.MapField && field.keyType === 'bool') delete (value as Record<string, unknown>)['false'];
      else if (field.resolvedType instanceof protobuf.Type && typeof value === 'object' && value !== null && !(value instanceof Date)) {
        if (Array.isArray(value)) for (const item of value) strip(field.resolvedType, item as Record<string, unknown>);
        else strip(field.resolvedType, value as Record<string, unknown>);
      }
    }
  };
  strip(type, copy);
  return copy;
}

describe.each(messages)('conformance: %s', (name) => {
  const ours = (generated as unknown as Record<string, MessageType<Record<string, unknown>>>)[name] as MessageType<Record<string, unknown>>;
  const oracle = root.lookupType(`conformance.${name}`);
  const decodeOracle = (bytes: Uint8Array): Record<string, unknown> =>
    fromOracle(oracle, oracle.toObject(oracle.decode(bytes), { longs: String }) as Record<string, unknown>);

  it(`writes the same bytes as protobufjs and reads them back exactly (${rounds} random messages)`, () => {
    const next = rng(0xbec0 + name.length);
    for (let i = 0; i < rounds; i++) {
      const message = withoutFalseBoolKeys(oracle, randomMessage(oracle, next));
      const bytes = ours.encode(message as never);
      const expected = oracle.encode(toOracle(oracle, message)).finish();
      expect(Array.from(bytes), `seed round ${i}`).toEqual(Array.from(expected));
      expect(comparable(ours.decode(bytes))).toEqual(comparable(message));
    }
  });

  it('reads what protobufjs writes, and protobufjs reads what it writes', () => {
    const next = rng(0x5eed + name.length);
    for (let i = 0; i < rounds; i++) {
      const message = randomMessage(oracle, next);
      const fromOracleBytes = ours.decode(oracle.encode(toOracle(oracle, withoutFalseBoolKeys(oracle, message))).finish());
      expect(comparable(fromOracleBytes)).toEqual(comparable(withoutFalseBoolKeys(oracle, message)));
      expect(comparable(decodeOracle(ours.encode(message as never)))).toEqual(comparable(message));
    }
  });
});

describe('conformance: wire details', () => {
  const Repeated = generated.Repeated;
  const oracle = root.lookupType('conformance.Repeated');

  it('reads packed and unpacked forms of every packable field, whichever the .proto declares', () => {
    const values = { rInt32: [1, -2, 300], uInt32: [4, -5], rColor: [1, 2, -1], uSint64: ['7', '-9000000000000000000'] };
    // An unpacked writer: the same schema with packing switched around.
    const flipped = protobuf.parse(`
      syntax = "proto3"; package flip;
      enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; INFRARED = -1; }
      message Repeated {
        repeated int32 r_int32 = 3 [packed = false];
        repeated Color r_color = 16 [packed = false];
        repeated int32 u_int32 = 18;
        repeated sint64 u_sint64 = 19;
      }`).root.lookupType('flip.Repeated');
    const decoded = Repeated.decode(flipped.encode(values).finish());
    expect(decoded.rInt32).toEqual([1, -2, 300]);
    expect(decoded.uInt32).toEqual([4, -5]);
    expect(decoded.rColor).toEqual([1, 2, -1]);
    expect(decoded.uSint64).toEqual([7n, -9000000000000000000n]);
    // And writes what the .proto says: packed by default in proto3, unpacked where [packed = false].
    expect(Array.from(Repeated.encode({ rInt32: [1, 2], uInt32: [1, 2] }))).toEqual(Array.from(oracle.encode({ rInt32: [1, 2], uInt32: [1, 2] }).finish()));
    expect(Array.from(Repeated.encode({ rInt32: [1, 2] }))).toEqual([0x1a, 2, 1, 2]);
    expect(Array.from(Repeated.encode({ uInt32: [1, 2] }))).toEqual([0x90, 1, 1, 0x90, 1, 2]);
  });

  it('skips unknown fields of every wire type, groups included, and keeps unknown enum values', () => {
    const writer = protobuf.Writer.create();
    writer.uint32((100 << 3) | 0).uint64(123456789);
    writer.uint32((101 << 3) | 1).fixed64(5);
    writer.uint32((102 << 3) | 2).string('from a newer peer');
    writer.uint32((103 << 3) | 5).fixed32(9);
    writer.uint32((104 << 3) | 3).uint32((1 << 3) | 0).uint32(1).uint32((104 << 3) | 4); // a group
    writer.uint32((16 << 3) | 0).int32(42); // Scalars.fColor = 42, unknown to this schema's enum
    writer.uint32((14 << 3) | 2).string('known');
    const scalars = generated.Scalars.decode(writer.finish());
    expect(scalars.fString).toBe('known');
    expect(scalars.fColor).toBe(42);
    expect(Array.from(generated.Scalars.encode(scalars))).toEqual(Array.from(generated.Scalars.encode({ fString: 'known', fColor: 42 as generated.Color })));
  });

  it('refuses truncated and malformed bytes with an error, never a wrong message', () => {
    const good = generated.Everything.encode({ nested: { value: 5, note: 'n', children: [{ value: 1 }] }, scalars: { fInt64: 5n } });
    for (let cut = 1; cut < good.length; cut++) {
      let decoded: unknown;
      try {
        decoded = generated.Everything.decode(good.subarray(0, cut));
      } catch {
        continue;
      }
      // A prefix that parses must be a prefix of the fields (no field is invented or half-read).
      expect(comparable(decoded)).not.toEqual(comparable(generated.Everything.decode(good)));
    }
    expect(() => generated.Scalars.decode(Uint8Array.of(0x00))).toThrow(/invalid tag/);
    expect(() => generated.Scalars.decode(Uint8Array.of(0x0c))).toThrow(/invalid tag/);
    // A nested length that runs past its parent.
    expect(() => generated.Everything.decode(Uint8Array.of(0x32, 0x02, 0x22, 0x05, 0x61))).toThrow();
  });

  it('maps Timestamp to Date and Duration to milliseconds, bytes-compatible with the real messages', () => {
    const at = new Date('1969-12-31T23:59:58.250Z');
    const bytes = generated.Everything.encode({ at, took: -1500 });
    const oracleEverything = root.lookupType('conformance.Everything');
    const object = oracleEverything.toObject(oracleEverything.decode(bytes), { longs: String }) as Record<string, { seconds: string; nanos: number }>;
    expect(object['at']).toEqual({ seconds: '-2', nanos: 250_000_000 });
    expect(object['took']).toEqual({ seconds: '-1', nanos: -500_000_000 });
    const decoded = generated.Everything.decode(bytes);
    expect([decoded.at?.getTime(), decoded.took]).toEqual([at.getTime(), -1500]);
  });
});
