import type { Frame } from '../codec.ts';
import { BeckonError } from '../errors.ts';
import type { BeckonErrorCode } from '../errors.ts';
import {
  Challenge,
  Error as ErrorMessage,
  Hello,
  Join,
  Leave,
  ParticipantJoined,
  ParticipantLeft,
  Refused,
  Role as RoleValue,
  RosterUpdate,
  Welcome,
} from '../gen/control.ts';
import type { Participant as ParticipantMessage } from '../gen/control.ts';
import { protocolVersion } from './types.ts';
import type { Envelope } from '../gen/envelope.ts';
import type { MessageInit, MessageType } from '../schema.ts';
import type { LaneName } from '../lanes.ts';
import type { Settlement } from '../session/index.ts';
import type { Delivery } from './types.ts';
import type { DeliveryResult, PeerSession } from '../session/index.ts';
import { now } from '../util.ts';
import type { LinkInfo, Participant, Role } from './types.ts';

/** Room-level control messages: registered on both sides, never accepted as application messages. */
export const controlTypes: readonly MessageType[] = [Hello, Challenge, Join, Leave, Welcome, Refused, ParticipantJoined, ParticipantLeft, RosterUpdate, ErrorMessage];
export const controlIds: ReadonlySet<number> = new Set(controlTypes.map((type) => type.id));

const roleNames = new Map<number, Role>([
  [RoleValue.HOST, 'host'],
  [RoleValue.MEMBER, 'member'],
  [RoleValue.OBSERVER, 'observer'],
]);
export const roleValues: Readonly<Record<Role, RoleValue>> = { host: RoleValue.HOST, member: RoleValue.MEMBER, observer: RoleValue.OBSERVER };

export function toMessage(participant: Participant): MessageInit<ParticipantMessage> {
  return {
    id: participant.id,
    name: participant.name,
    role: roleValues[participant.role],
    joinedAt: participant.joinedAt,
    metadata: { ...participant.metadata },
    connected: true,
  };
}

export function fromMessage(message: ParticipantMessage): Participant {
  return {
    id: message.id,
    name: message.name,
    role: roleNames.get(message.role) ?? 'member',
    joinedAt: message.joinedAt,
    metadata: { ...message.metadata },
  };
}

export function toEnvelope(frame: Frame): MessageInit<Envelope> {
  return { type: frame.type, payload: frame.payload, sentAt: frame.sentAt, from: frame.from, to: frame.to };
}

/** Error codes a host may send in an Error frame; anything else becomes `policy-violation`. */
const relayedCodes: ReadonlySet<string> = new Set<BeckonErrorCode>([
  'malformed-frame',
  'unknown-type',
  'oversized',
  'policy-violation',
  'rate-limited',
  'queue-full',
  'refused',
]);

export function relayedCode(code: string): BeckonErrorCode {
  return relayedCodes.has(code) ? (code as BeckonErrorCode) : 'policy-violation';
}

/** One result for a message sent to several recipients: the first failure, or success once all succeeded. */
/** A `Delivery` whose `settled` promise is made only if someone reads it (a class: one is made per send). */
class LazyDelivery implements Delivery {
  readonly lane: LaneName;
  readonly transfer: number;
  readonly #settlement: Settlement;

  constructor(lane: LaneName, transfer: number, settlement: Settlement) {
    this.lane = lane;
    this.transfer = transfer;
    this.#settlement = settlement;
  }

  get settled(): Promise<DeliveryResult> {
    return this.#settlement.promise;
  }
}

export function delivery(lane: LaneName, transfer: number, settlement: Settlement): Delivery {
  return new LazyDelivery(lane, transfer, settlement);
}

/** Decodes a control payload; a malformed one is reported through `report`, never thrown. */
export function decodeControl<T extends object>(
  type: MessageType<T>,
  frame: Frame,
  peer: string,
  report: (error: BeckonError) => void,
): T | undefined {
  try {
    return type.decode(frame.payload);
  } catch (cause) {
    report(new BeckonError('malformed-frame', `Malformed ${type.name} from ${peer}`, { peer, messageType: type.name, cause }));
    return undefined;
  }
}

/** What a session shows of its link: no way to send on it, close it, or reach its channels. */
export function linkInfo(session: PeerSession | undefined): LinkInfo | undefined {
  if (!session || session.closed) return undefined;
  const link = session.link;
  return {
    remoteId: link.remoteId,
    maxMessageSize: link.maxMessageSize,
    lanes: new Map([...link.channels].map(([lane, channel]) => [lane, channel.params])),
    stats: session.stats,
  };
}

/** The host's Welcome: who you are, who is here, the room's retained state, and where redelivery resumes. */
export function welcomeMessage(
  room: string,
  self: Participant,
  participants: readonly Participant[],
  retained: Iterable<Frame>,
  rejoined: boolean,
  epoch: string,
  lastAccepted: number,
): MessageInit<Welcome> {
  return {
    protocol: protocolVersion,
    room,
    self: toMessage(self),
    participants: participants.map(toMessage),
    state: [...retained].map(toEnvelope),
    hostTime: Date.now(),
    rejoined,
    epoch,
    lastAccepted,
  };
}
