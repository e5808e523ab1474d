// The only protobufjs the generated code runs on: the minimal Reader, which never compiles code at run time
// (reflection does, with `new Function`, which a `script-src 'self'` page forbids). No setting is changed.
// Writing goes through Beckon's own Writer (writer.ts), which keeps protobufjs's method names.
import protobuf from 'protobufjs/minimal.js';

export const Reader: typeof protobuf.Reader = protobuf.Reader;
export type Reader = protobuf.Reader;

/** Skips a field this schema does not know (a newer peer's), refusing tags no encoder writes. */
export function skipField(reader: Reader, tag: number): void {
  const wireType = tag & 7;
  if (tag >>> 3 === 0 || wireType === 4 || wireType > 5) throw new Error(`invalid tag ${tag} at offset ${reader.pos}`);
  reader.skipType(wireType);
}

/** A nested message or packed run must end exactly at its length. */
export function checkEnd(reader: Reader, end: number): void {
  if (reader.pos !== end) throw new RangeError(`field overruns its message: ${reader.pos} > ${end}`);
}

const textDecoder = new TextDecoder();

/**
 * A string field. protobufjs decodes UTF-8 in JavaScript unless the bytes are a Node Buffer; the platform's decoder is
 * faster for all but the shortest strings, in browsers and Node alike.
 */
export function readString(reader: Reader): string {
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end > reader.len) throw new RangeError(`index out of range: ${start} + ${length} > ${reader.len}`);
  reader.pos = end;
  const buf = reader.buf;
  if (length <= 16) {
    let text = '';
    for (let i = start; i < end; i++) {
      const code = buf[i] as number;
      if (code > 127) return textDecoder.decode(buf.subarray(start, end));
      text += String.fromCharCode(code);
    }
    return text;
  }
  return textDecoder.decode(buf.subarray(start, end));
}
