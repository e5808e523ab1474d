export { BeckonChat } from './components/chat/chat.component.ts';
export { BeckonHandQueue } from './components/hand-queue/hand-queue.component.ts';
export { BeckonParticipants } from './components/participants/participants.component.ts';
export { BeckonPoll } from './components/poll/poll.component.ts';
export { BeckonRaiseHand } from './components/raise-hand/raise-hand.component.ts';
export { BeckonReactions } from './components/reactions/reactions.component.ts';
export { BeckonReport } from './components/report/report.component.ts';
export type { TransportFactory } from './components/room/room.component.ts';
export { BeckonRoom } from './components/room/room.component.ts';
export type { RoomProvider } from './components/shared/classroom-controller.ts';
export { ClassroomController } from './components/shared/classroom-controller.ts';
export {
  BeckonChatSendEvent,
  BeckonConnectionChangeEvent,
  BeckonErrorEvent,
  BeckonHandActionEvent,
  BeckonHandChangeEvent,
  BeckonParticipantsChangeEvent,
  BeckonPollChangeEvent,
  BeckonReactEvent,
  BeckonReadyEvent,
  BeckonVoteEvent,
} from './components/shared/events.ts';
export type { BallotStatus, BlockedMessage, ChangeKind, ClassroomEvents, ClassroomOptions, ClassroomRole, ShownReaction } from './session/classroom.ts';
export type { DurableStorage } from './persistence/idb-storage.ts';
export { openIdbStorage } from './persistence/idb-storage.ts';
export { Classroom, classroomTypes } from './session/classroom.ts';
export type { Ballot, ClassroomData, HandRecord, LogEntry, Outcome, PollKindName, PollRecord, PollSpec, ResultsPolicyName } from './state/classroom-state.ts';
export { emptyClassroom, reactionEmojis, tally } from './state/classroom-state.ts';
export type { LrsOptions, LrsResult } from './state/lrs.ts';
export { sendToLrs } from './state/lrs.ts';
export type { ParticipationRow } from './state/report.ts';
export { participation, participationCsv } from './state/report.ts';
export type { XapiOptions, XapiStatement } from './state/xapi.ts';
export { extensions as xapiExtensions, toXapi, verbs } from './state/xapi.ts';
export * from './gen/classroom.ts';
