// A protobuf writer that writes straight into one growing buffer. protobufjs's Writer queues an operation object per
// field and copies at the end, which made it the larger half of encode time; this one keeps its method names (so code
// written for protobufjs's Writer runs on it), reserves one byte for a nested message's length and moves the bytes
// in the rare case the length needs more. Never evaluates code.
type Long = { readonly low: number; readonly high: number };

const float = new Float32Array(1);
const floatBytes = new Uint8Array(float.buffer);
const double = new Float64Array(1);
const doubleBytes = new Uint8Array(double.buffer);
const textEncoder = new TextEncoder();
/** What a finished writer holds: nothing, without allocating per message. */
const empty = new Uint8Array(0);

/**
 * A scratch buffer shared by writers that do not overlap (the usual case); one in use makes the next allocate. 64 KiB
 * holds a whole chunk-sized message, so it is copied out once instead of grown into a zero-filled buffer.
 */
let scratch: Uint8Array | undefined = new Uint8Array(64 * 1024);

export class Writer {
  buf: Uint8Array;
  pos = 0;
  /** Starts of the messages forked and not yet delimited; made on the first fork (most messages never nest). */
  #forks: number[] | undefined;
  #shared: boolean;

  private constructor() {
    if (scratch) {
      this.buf = scratch;
      scratch = undefined;
      this.#shared = true;
    } else {
      this.buf = new Uint8Array(256);
      this.#shared = false;
    }
  }

  static create(): Writer {
    return new Writer();
  }

  /** Bytes written so far. */
  get len(): number {
    return this.pos;
  }

  #room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    grown.set(this.buf.subarray(0, this.pos));
    if (this.#shared) {
      scratch = this.buf; // the pool's buffer goes back at once; the larger one is this writer's alone
      this.#shared = false;
    }
    this.buf = grown;
  }

  uint32(value: number): this {
    let v = value >>> 0;
    this.#room(5);
    const buf = this.buf;
    while (v > 127) {
      buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[this.pos++] = v;
    return this;
  }

  int32(value: number): this {
    // Negative int32 values are sign-extended to 64 bits: ten bytes.
    return value < 0 ? this.#varint64(value | 0, -1) : this.uint32(value);
  }

  sint32(value: number): this {
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  bool(value: boolean): this {
    this.#room(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  fixed32(value: number): this {
    this.#room(4);
    const buf = this.buf;
    const v = value >>> 0;
    buf[this.pos] = v & 255;
    buf[this.pos + 1] = (v >>> 8) & 255;
    buf[this.pos + 2] = (v >>> 16) & 255;
    buf[this.pos + 3] = v >>> 24;
    this.pos += 4;
    return this;
  }

  sfixed32(value: number): this {
    return this.fixed32(value);
  }

  float(value: number): this {
    this.#room(4);
    float[0] = value;
    // Four stores beat TypedArray.set for so few bytes (cursor and game messages are mostly floats).
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = floatBytes[0]!;
    buf[pos + 1] = floatBytes[1]!;
    buf[pos + 2] = floatBytes[2]!;
    buf[pos + 3] = floatBytes[3]!;
    this.pos = pos + 4;
    return this;
  }

  double(value: number): this {
    this.#room(8);
    double[0] = value;
    const buf = this.buf;
    const pos = this.pos;
    for (let i = 0; i < 8; i++) buf[pos + i] = doubleBytes[i]!;
    this.pos = pos + 8;
    return this;
  }

  #varint64(low: number, high: number): this {
    let lo = low >>> 0;
    let hi = high >>> 0;
    this.#room(10);
    const buf = this.buf;
    while (hi) {
      buf[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[this.pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[this.pos++] = lo;
    return this;
  }

  /** 64-bit varint from Long-shaped bits (what the runtime's int64 helpers pass). */
  int64(value: Long): this {
    return this.#varint64(value.low, value.high);
  }

  uint64(value: Long): this {
    return this.#varint64(value.low, value.high);
  }

  sint64(value: Long): this {
    const mask = value.high >> 31;
    const hi = ((value.high << 1) | (value.low >>> 31)) ^ mask;
    const lo = (value.low << 1) ^ mask;
    return this.#varint64(lo, hi);
  }

  fixed64(value: Long): this {
    return this.fixed32(value.low).fixed32(value.high);
  }

  sfixed64(value: Long): this {
    return this.fixed64(value);
  }

  bytes(value: Uint8Array): this {
    this.uint32(value.length);
    this.#room(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  string(value: string): this {
    const length = value.length;
    // Short ASCII strings (most field values) are written by hand; the rest by the platform's encoder.
    if (length < 128) {
      this.#room(1 + length * 3);
      const buf = this.buf;
      const start = this.pos;
      let pos = start + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 127) break;
        buf[pos++] = code;
      }
      if (i === length) {
        buf[start] = length;
        this.pos = pos;
        return this;
      }
    }
    this.#room(5 + length * 3);
    const start = this.pos;
    // Reserve the length's largest size for this many code units, then move the text back if it was smaller.
    const reserve = varintSize(length * 3);
    const written = textEncoder.encodeInto(value, this.buf.subarray(start + reserve)).written;
    const size = varintSize(written);
    if (size !== reserve) this.buf.copyWithin(start + size, start + reserve, start + reserve + written);
    this.pos = start;
    this.uint32(written);
    this.pos = start + size + written;
    return this;
  }

  /** Bytes that are already protobuf (fields of an encoded message), as they are. */
  raw(bytes: Uint8Array): this {
    this.#room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Starts a length-delimited message: its fields follow, `ldelim()` writes its length in front. */
  fork(): this {
    this.#room(1);
    (this.#forks ??= []).push(this.pos);
    this.pos += 1;
    return this;
  }

  ldelim(): this {
    const start = this.#forks?.pop();
    if (start === undefined) throw new Error('ldelim() without fork()');
    const length = this.pos - start - 1;
    if (length < 128) {
      this.buf[start] = length;
      return this;
    }
    const size = varintSize(length);
    this.#room(size - 1);
    this.buf.copyWithin(start + size, start + 1, this.pos);
    const end = this.pos + size - 1;
    this.pos = start;
    this.uint32(length);
    this.pos = end;
    return this;
  }

  /** The bytes written so far, as a view of the writer's buffer: valid only until `release()`, for a caller that copies them at once. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Done without `finish()`: the shared buffer goes back to the pool for the next writer. */
  release(): void {
    if (this.#shared) {
      scratch = this.buf;
      this.#shared = false;
    }
    this.buf = empty;
    this.pos = 0;
  }

  /**
   * The bytes written, in a buffer of their own; the writer is done. `spare` bytes of that buffer after them are left
   * free for the caller (a frame gets an ack appended in place).
   */
  finish(spare = 0): Uint8Array {
    let bytes: Uint8Array;
    const end = this.pos;
    if (this.#shared) {
      // The pool's buffer is reused: copy out.
      bytes = spare === 0 ? this.buf.slice(0, end) : copyWithRoom(this.buf, end, spare);
      scratch = this.buf;
      this.#shared = false;
    } else if (end * 2 >= this.buf.length && end + spare <= this.buf.length) {
      // A buffer of this writer's own is handed out as it is when the waste is small (large messages: no copy).
      bytes = this.buf.subarray(0, end);
    } else {
      bytes = copyWithRoom(this.buf, end, spare);
    }
    this.buf = empty;
    this.pos = 0;
    return bytes;
  }
}

/** The first `end` bytes of `buf` in a new buffer `spare` bytes longer (a view of the first `end`). */
function copyWithRoom(buf: Uint8Array, end: number, spare: number): Uint8Array {
  const out = new Uint8Array(end + spare);
  // A loop beats making a view to `set` from for the small frames this is mostly for.
  if (end <= 128) for (let i = 0; i < end; i++) out[i] = buf[i]!;
  else out.set(buf.subarray(0, end));
  return out.subarray(0, end);
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}
