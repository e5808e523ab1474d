import { describe, expect, it } from 'vitest';
import { seeded } from '../test-utils/test-game.ts';
import { BitOverrun, BitReader, BitWriter } from './bits.ts';

describe('BitWriter / BitReader', () => {
  it('round-trips values of every width, varuints and signed values', () => {
    const random = seeded(1);
    const writer = new BitWriter(4);
    const written: { kind: 'u' | 'v' | 's'; bits: number; value: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const kind = (['u', 'v', 's'] as const)[Math.floor(random() * 3)]!;
      const bits = 1 + Math.floor(random() * 32);
      if (kind === 'u') {
        const value = Math.floor(random() * 2 ** bits);
        writer.write(value, bits);
        written.push({ kind, bits, value });
      } else if (kind === 'v') {
        const value = Math.floor(random() * 2 ** bits);
        writer.writeVarUint(value);
        written.push({ kind, bits, value });
      } else {
        const sbits = Math.max(2, bits);
        const value = Math.floor(random() * 2 ** sbits) - 2 ** (sbits - 1);
        writer.writeSigned(value, sbits);
        written.push({ kind, bits: sbits, value });
      }
    }
    const bytes = writer.finish();
    expect(bytes.length).toBe(Math.ceil(writer.bitLength / 8));
    const reader = new BitReader(bytes);
    for (const { kind, bits, value } of written) {
      const read = kind === 'u' ? reader.read(bits) : kind === 'v' ? reader.readVarUint() : reader.readSigned(bits);
      expect(read).toBe(value);
    }
    expect(reader.bitsLeft).toBeLessThan(8);
  });

  it('packs to the bit: 3 + 5 + 1 bits are 2 bytes, and small varuints cost 5 bits', () => {
    const writer = new BitWriter();
    writer.write(5, 3);
    writer.write(17, 5);
    writer.writeBool(true);
    expect(writer.finish()).toEqual(new Uint8Array([5 | (17 << 3), 1]));
    const varint = new BitWriter();
    varint.writeVarUint(9);
    expect(varint.bitLength).toBe(5);
  });

  it('refuses values that do not fit and reads past the end as an error', () => {
    const writer = new BitWriter();
    expect(() => writer.write(8, 3)).toThrow(RangeError);
    expect(() => writer.write(-1, 3)).toThrow(RangeError);
    writer.write(3, 2);
    const reader = new BitReader(writer.finish());
    reader.read(8);
    expect(() => reader.read(1)).toThrow(BitOverrun);
    expect(() => new BitReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff])).readVarUint()).toThrow(BitOverrun);
  });
});
