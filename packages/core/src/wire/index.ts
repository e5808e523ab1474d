// What generated modules run on: protobufjs's minimal Reader, Beckon's Writer, exact 64-bit, type checks, well-known types.
export { checkEnd, Reader, readString, skipField } from './protobuf.ts';
export { Writer } from './writer.ts';
export { EncodeError } from './encode-error.ts';
export {
  badCase,
  checkArray,
  checkBool,
  checkBytes,
  checkInt32,
  checkNumber,
  checkObject,
  checkString,
  checkUint32,
  mapKeyBool,
  mapKeyInt32,
  setEntry,
} from './check.ts';
export { readFixed64, readInt64, readSfixed64, readSint64, readUint64, toInt64, writeFixed64, writeInt64, writeSint64 } from './int64.ts';
export { readDuration, readTimestamp, writeDuration, writeTimestamp } from './well-known.ts';
