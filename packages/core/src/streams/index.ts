export { ByteStreams, isStreamFrame, streamTypes } from './hub.ts';
export type { ByteStreamHandler, ByteStreamsContext, StreamGuard } from './hub.ts';
export { ByteStreamReader } from './incoming.ts';
export { ByteStreamWriter } from './outgoing.ts';
export { defaultByteStreamLimits } from './types.ts';
export type { ByteSource, ByteStreamInfo, ByteStreamLimits, ByteStreamOptions, ByteStreamPolicy, ByteStreamProgress } from './types.ts';
