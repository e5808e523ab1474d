export type { LaneConfig, LaneName } from './lanes.ts';
export { channelInit, defaultLanes, isReliable, partialLane, reliableLane, unreliableLane } from './lanes.ts';
export type {
  Channel,
  ChannelHandlers,
  ChannelParams,
  ChannelState,
  ConnectOptions,
  Link,
  ListenOptions,
  Transport,
} from './transport.ts';
export type { DeprecatedPolicy, MessageDefinition, MessageInit, MessageType, MessageTypeSettings, Policy } from './schema.ts';
export { defineMessage, normalizePolicy, Registry, settingsFromOptions, typeId } from './schema.ts';
export { messageType, rootFromJson } from './reflection.ts';
// The runtime generated modules import (`beckon gen` v2): protobufjs/minimal's Reader, Beckon's Writer, small helpers.
export {
  badCase,
  checkArray,
  checkBool,
  checkBytes,
  checkEnd,
  checkInt32,
  checkNumber,
  checkObject,
  checkString,
  checkUint32,
  EncodeError,
  mapKeyBool,
  mapKeyInt32,
  readDuration,
  readFixed64,
  readInt64,
  readSfixed64,
  readSint64,
  readString,
  readTimestamp,
  readUint64,
  Reader,
  setEntry,
  skipField,
  toInt64,
  writeDuration,
  writeFixed64,
  writeInt64,
  writeSint64,
  writeTimestamp,
  Writer,
} from './wire/index.ts';
export type { DecodeResult, Frame, FrameInit } from './codec.ts';
export { decodeFrame, encodeFrame } from './codec.ts';
export type { BeckonErrorCode, BeckonErrorDetails } from './errors.ts';
export { BeckonError, isBeckonError } from './errors.ts';
export { Emitter } from './emitter.ts';
export type { Identity } from './ids.ts';
export { loadIdentity, randomId } from './ids.ts';
export type { CleanTextOptions } from './text.ts';
export { cleanMetadata, cleanText, isSafeKey, isValidId } from './text.ts';
export type { DeliveryResult, SessionOptions, SessionStats, TransferProgress } from './session/index.ts';
export type {
  ConnectionState,
  Delivery,
  HostOptions,
  IdentityRecord,
  JoinRequest,
  LinkInfo,
  MemberOptions,
  MessageMeta,
  Participant,
  RateLimit,
  RequestOptions,
  Role,
  RoomEvents,
  RoomOptions,
  SendOptions,
} from './room/index.ts';
export type { Room } from './room/index.ts';
export { HostRoom, hostRoom, joinRoom, MemberRoom, protocolVersion } from './room/index.ts';
export type { HostCredentials, Invite } from './trust.ts';
export { createHostCredentials, exportHostCredentials, formatInvite, importHostCredentials, parseInvite, trustAvailable } from './trust.ts';
export type {
  ByteSource,
  ByteStreamHandler,
  ByteStreamInfo,
  ByteStreamLimits,
  ByteStreamOptions,
  ByteStreamPolicy,
  ByteStreamProgress,
} from './streams/index.ts';
export { ByteStreamReader, ByteStreamWriter, defaultByteStreamLimits } from './streams/index.ts';
