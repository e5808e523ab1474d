export { BitOverrun, BitReader, BitWriter } from './codec/bits.ts';
export type { EntityState, FieldOptions, FieldSpec, Interpolation } from './codec/schema.ts';
export { angle, EntitySchema, fixed, flag, int } from './codec/schema.ts';
export type { WorldFrame } from './codec/world-frame.ts';
export { emptyFrame, entitiesFromFrame, frameFromEntities, framesEqual } from './codec/world-frame.ts';
export { decodeDelta, decodeFull, encodeDelta, encodeFull, maxNewEntities } from './codec/delta.ts';
export type { EncodedSnapshot } from './sync/snapshot-history.ts';
export { SnapshotHistory } from './sync/snapshot-history.ts';
export type { ReceivedSnapshot, ReceiverStats } from './sync/snapshot-receiver.ts';
export { SnapshotReceiver } from './sync/snapshot-receiver.ts';
export type { Controls, Input } from './sync/inputs.ts';
export { axis, axisScale, InputHistory, InputQueue, quantiseAxis } from './sync/inputs.ts';
export type { InterpolationOptions } from './interpolation/interpolation-buffer.ts';
export { InterpolationBuffer } from './interpolation/interpolation-buffer.ts';
export { PlaybackClock } from './interpolation/playback-clock.ts';
export type { ApplyInput, PredictorOptions } from './prediction/predictor.ts';
export { Predictor } from './prediction/predictor.ts';
export type { FixedStepLoopOptions } from './loop/fixed-step-loop.ts';
export { FixedStepLoop } from './loop/fixed-step-loop.ts';
export type { GameRules } from './room/rules.ts';
export { defaultTickRate } from './room/rules.ts';
export { RateMeter } from './room/rate-meter.ts';
export type { ClientLink, GameHostOptions } from './room/game-host.ts';
export { GameHost } from './room/game-host.ts';
export type { AuthoritativeState, GameClientOptions } from './room/game-client.ts';
export { GameClient } from './room/game-client.ts';
export {
  Chat,
  InputBatch,
  InputCommand,
  messageTypes as gameMessageTypes,
  PlayerJoined,
  PlayerLeft,
  RoundEnded,
  RoundStarted,
  Score,
  Scored,
  Snapshot,
  SnapshotAck,
  Succession,
  Successor,
  SuccessorKey,
  MigrationState,
  HostLeaving,
  AvatarOf,
} from './gen/game.ts';
export { isSuccessorKey, successionOrder } from './migration/succession.ts';
export type { SharedTransport } from './migration/shared-transport.ts';
export { shareTransport } from './migration/shared-transport.ts';
export type { MigrationHostOptions } from './migration/migration-host.ts';
export { MigrationHost } from './migration/migration-host.ts';
export type { HostLost, MigrationMemberEvents, Replica } from './migration/migration-member.ts';
export { MigrationMember } from './migration/migration-member.ts';
export type { Takeover, TakeoverOptions } from './migration/takeover.ts';
export { takeOver } from './migration/takeover.ts';
