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
} from './types.ts';
export { protocolVersion } from './types.ts';
export type { Room } from './base.ts';
export { HostRoom, hostRoom } from './host.ts';
export { joinRoom, MemberRoom } from './member.ts';
