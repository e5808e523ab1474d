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
