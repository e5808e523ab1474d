/**
 * Bit-level writer and reader: snapshots are packed field by field at exactly the width each quantised
 * value needs (after Fiedler's "Reading and Writing Packets"). Words are little-endian; bits fill each
 * 32-bit word from its least significant end.
 */
export class BitWriter {
  #words: Uint32Array;
  #scratch = 0;
  #scratchBits = 0;
  #word = 0;

  constructor(initialBytes = 256) {
    this.#words = new Uint32Array(Math.max(1, Math.ceil(initialBytes / 4)));
  }

  /** Empties the writer for reuse (its buffer stays allocated). */
  reset(): void {
    this.#scratch = 0;
    this.#scratchBits = 0;
    this.#word = 0;
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.#word * 32 + this.#scratchBits;
  }

  /** Writes the low `bits` bits (0–32) of an unsigned integer. */
  write(value: number, bits: number): void {
    if (bits === 0) return;
    if (bits < 0 || bits > 32) throw new RangeError(`Cannot write ${bits} bits`);
    if (bits < 32 && (value < 0 || value >= 2 ** bits || !Number.isInteger(value))) {
      throw new RangeError(`${value} does not fit in ${bits} bits`);
    }
    // Split in two so every shift stays below 32 and JavaScript's int32 arithmetic cannot lose bits.
    if (bits > 16) {
      this.#put(value & 0xffff, 16);
      this.#put(Math.floor(value / 0x10000), bits - 16);
    } else {
      this.#put(value, bits);
    }
  }

  #put(value: number, bits: number): void {
    this.#scratch += value * 2 ** this.#scratchBits;
    this.#scratchBits += bits;
    if (this.#scratchBits >= 32) {
      this.#ensure(this.#word + 1);
      this.#words[this.#word++] = this.#scratch % 0x1_0000_0000;
      this.#scratch = Math.floor(this.#scratch / 0x1_0000_0000);
      this.#scratchBits -= 32;
    }
  }

  writeBool(value: boolean): void {
    this.write(value ? 1 : 0, 1);
  }

  /** Unsigned integer of any size below 2^32 in 4-bit groups, each followed by a continue bit: small ids cost 5 bits. */
  writeVarUint(value: number): void {
    if (value < 0 || value > 0xffff_ffff || !Number.isInteger(value)) throw new RangeError(`${value} is not a uint32`);
    let rest = value;
    for (;;) {
      const group = rest % 16;
      rest = Math.floor(rest / 16);
      this.write(group, 4);
      this.writeBool(rest > 0);
      if (rest === 0) return;
    }
  }

  /** A signed integer in `bits` bits, two's complement style (offset by half the range). */
  writeSigned(value: number, bits: number): void {
    this.write(value + 2 ** (bits - 1), bits);
  }

  /** The packed bytes (the last word trimmed to whole bytes). */
  finish(): Uint8Array {
    const bytes = Math.ceil(this.bitLength / 8);
    const words = new Uint32Array(Math.ceil(bytes / 4));
    words.set(this.#words.subarray(0, this.#word));
    if (this.#scratchBits > 0) words[this.#word] = this.#scratch;
    const out = new Uint8Array(bytes);
    // Little-endian whatever the platform's order, so every peer reads the same bits.
    for (let i = 0; i < bytes; i++) out[i] = (words[i >> 2]! >>> ((i & 3) * 8)) & 0xff;
    return out;
  }

  #ensure(words: number): void {
    if (words <= this.#words.length) return;
    const bigger = new Uint32Array(Math.max(words, this.#words.length * 2));
    bigger.set(this.#words);
    this.#words = bigger;
  }
}

/** Thrown when a reader runs past its data: the packet is malformed, and the caller drops it. */
export class BitOverrun extends Error {
  constructor() {
    super('Read past the end of the packet');
    this.name = 'BitOverrun';
  }
}

export class BitReader {
  readonly #bytes: Uint8Array;
  #bit = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get bitsLeft(): number {
    return this.#bytes.length * 8 - this.#bit;
  }

  read(bits: number): number {
    if (bits === 0) return 0;
    if (bits < 0 || bits > 32) throw new RangeError(`Cannot read ${bits} bits`);
    if (bits > this.bitsLeft) throw new BitOverrun();
    let value = 0;
    let done = 0;
    while (done < bits) {
      const byte = this.#bytes[this.#bit >> 3]!;
      const offset = this.#bit & 7;
      const take = Math.min(8 - offset, bits - done);
      const part = (byte >> offset) & ((1 << take) - 1);
      value += part * 2 ** done;
      done += take;
      this.#bit += take;
    }
    return value;
  }

  readBool(): boolean {
    return this.read(1) === 1;
  }

  readVarUint(): number {
    let value = 0;
    for (let shift = 0; shift < 32; shift += 4) {
      value += this.read(4) * 2 ** shift;
      if (!this.readBool()) return value;
    }
    throw new BitOverrun();
  }

  readSigned(bits: number): number {
    return this.read(bits) - 2 ** (bits - 1);
  }
}
