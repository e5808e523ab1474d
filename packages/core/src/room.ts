import type { Frame } from './codec.ts';
import { Emitter, reportListenerError } from './emitter.ts';
import { BeckonError } from './errors.ts';
import type { BeckonErrorCode } from './errors.ts';
import {
  Error as ErrorMessage,
  Join,
  Leave,
  ParticipantJoined,
  ParticipantLeft,
  Refused,
  Role as RoleValue,
  Welcome,
} from './gen/control.ts';
import type { Participant as ParticipantMessage } from './gen/control.ts';
import type { Envelope } from './gen/envelope.ts';
import { randomId } from './ids.ts';
import type { Identity } from './ids.ts';
import { defaultLanes } from './lanes.ts';
import type { LaneConfig, LaneName } from './lanes.ts';
import { Registry } from './schema.ts';
import type { MessageInit, MessageType } from './schema.ts';
import { PeerSession } from './session.ts';
import { checkInviteProof, checkWelcomeSignature, proveInvite, signWelcome } from './trust.ts';
import type { HostCredentials, Invite, JoinContext } from './trust.ts';
import { isReliable } from './lanes.ts';
import type { DeliveryResult, SessionOptions, SessionStats, TransferProgress } from './session.ts';
import type { Link, Transport } from './transport.ts';

/** Version of the control protocol; a host refuses members that speak another. */
export const protocolVersion = 1;

export type Role = 'host' | 'member' | 'observer';

export interface Participant {
  /** Stable across reloads and reconnects. */
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Host clock, ms since the Unix epoch, of the first join. */
  readonly joinedAt: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Where a received message came from and how. */
export interface MessageMeta {
  readonly type: MessageType;
  /** Participant id of the original sender (the host stamps it; members cannot forge it). */
  readonly from: string;
  /** Participant id of a single addressee, or '' for a broadcast or an action to the host. */
  readonly to: string;
  readonly lane: LaneName;
  /** Sender's clock when sent, ms since the Unix epoch. */
  readonly sentAt: number;
  readonly receivedAt: number;
  /** True when the message is the room's retained state replayed to a late joiner or a rejoin. */
  readonly replayed: boolean;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RoomEvents {
  /** Someone joined, or came back (`rejoined`) after a reload or a dropped connection. */
  join: { readonly participant: Participant; readonly rejoined: boolean };
  leave: { readonly participant: Participant; readonly reason: string };
  /** The participant list changed. */
  participants: readonly Participant[];
  state: ConnectionState;
  /** Every application message, after its typed handlers. */
  message: { readonly type: MessageType; readonly value: object; readonly meta: MessageMeta };
  /** A refused frame, a policy violation, a failed lane: typed, naming the peer, never thrown. */
  error: BeckonError;
  'lane-open': { readonly peer: string; readonly lane: LaneName };
  'lane-close': { readonly peer: string; readonly lane: LaneName };
  'lane-error': { readonly peer: string; readonly lane: LaneName; readonly error: BeckonError };
  'buffered-amount': { readonly peer: string; readonly lane: LaneName; readonly bufferedAmount: number; readonly queuedBytes: number };
  /** A reliable message was acknowledged by the next hop, or failed. */
  delivery: { readonly peer: string; readonly result: DeliveryResult };
  /** Progress of a chunked message; `peer` is a participant id. */
  progress: TransferProgress;
  rtt: { readonly peer: string; readonly rttMs: number };
}

export interface SendOptions {
  /** Participant id (or ids) of the recipients. Default: the host (members) or everyone (host). */
  readonly to?: string | readonly string[];
  /** Send on this lane instead of the type's lane. */
  readonly lane?: LaneName;
  /** Host only: also keep this message as room state under this key, replayed to late joiners and rejoins. */
  readonly retain?: string;
}

/** The outcome of a send: settles when every recipient's next hop acknowledged it (reliable) or it left (others). */
export interface Delivery {
  readonly lane: LaneName;
  /** Transfer id when the message was chunked, else 0; matches `progress` events. */
  readonly transfer: number;
  readonly settled: Promise<DeliveryResult>;
}

export interface RoomOptions {
  readonly transport: Transport;
  /** Application message types. Types passed to `on` or `send` are added automatically. */
  readonly types?: Iterable<MessageType>;
  readonly lanes?: readonly LaneConfig[];
  readonly session?: Partial<SessionOptions>;
  /** Display name of this participant. */
  readonly name?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface RateLimit {
  /** Sustained messages per second each member may send. */
  readonly perSecond: number;
  /** Messages a member may send in a burst. */
  readonly burst: number;
  /** A member whose frames are refused this many times within ten seconds is removed. 0 = never. */
  readonly removeAfter: number;
}

export interface JoinRequest {
  readonly participantId: string;
  readonly name: string;
  readonly role: Role;
  readonly metadata: Readonly<Record<string, string>>;
  /** Transport id of the connecting peer. */
  readonly peer: string;
}

export interface HostOptions extends RoomOptions {
  /** Room name, given to members in the welcome. */
  readonly room?: string;
  /** The host's own participant id. */
  readonly participantId?: string;
  /** Largest payload the host accepts from a member for a type without its own `max_bytes`. */
  readonly maxPayloadBytes?: number;
  readonly rateLimit?: Partial<RateLimit> | false;
  /** Decides who may join: return true, or the reason for refusing. */
  readonly admit?: (request: JoinRequest) => true | string;
  /** A new link must send Join within this long. */
  readonly joinTimeoutMs?: number;
  /**
   * The room's keys (`createHostCredentials`). With them, only members holding the invite may join, and the host
   * signs every welcome so members can tell it from a peer that took its id. Without them, anyone may join.
   */
  readonly credentials?: HostCredentials;
  /** How long reliable messages for a disconnected member are kept for it, to be delivered when it is back. */
  readonly resumeGraceMs?: number;
  /** Most reliable messages kept per member for redelivery after a reconnect. */
  readonly resumeBufferSize?: number;
  /**
   * Who may rejoin as whom, saved from a previous run with `identities()`: a host that restarts keeps refusing a
   * peer that claims someone else's participant id.
   */
  readonly identities?: readonly IdentityRecord[];
}

/** A participant and the resume token that proves it. Secret: store it like a password. */
export interface IdentityRecord {
  readonly participant: Participant;
  readonly token: string;
}

export interface MemberOptions extends RoomOptions {
  /** Transport id of the host. */
  readonly hostId: string;
  /** Who this member is across reloads (see `loadIdentity`). Default: a new identity. */
  readonly identity?: Identity;
  readonly role?: 'member' | 'observer';
  readonly joinTimeoutMs?: number;
  /** Reconnect after the link to the host is lost. Default true. */
  readonly reconnect?: boolean;
  readonly reconnectMaxDelayMs?: number;
  /** The invite (`parseInvite`): proves this member may join, and lets it check that the host is the real one. */
  readonly invite?: Invite;
  /** Most reliable messages held while reconnecting (and unacknowledged ones) before `send` fails with `queue-full`. */
  readonly outboxSize?: number;
}

type Handler = (value: object, meta: MessageMeta) => void;

const defaultRateLimit: RateLimit = { perSecond: 200, burst: 400, removeAfter: 2000 };
const roleNames: Record<number, Role> = { [RoleValue.HOST]: 'host', [RoleValue.MEMBER]: 'member', [RoleValue.OBSERVER]: 'observer' };
const roleValues: Record<Role, RoleValue> = { host: RoleValue.HOST, member: RoleValue.MEMBER, observer: RoleValue.OBSERVER };
const controlTypes: readonly MessageType[] = [Join, Leave, Welcome, Refused, ParticipantJoined, ParticipantLeft, ErrorMessage];
const controlIds = new Set(controlTypes.map((type) => type.id));
const now = (): number => performance.timeOrigin + performance.now();

/** Shared by hosts and members: typed handlers, events, the registry and the participant list. */
abstract class Room {
  readonly registry: Registry;
  readonly transport: Transport;
  readonly #events = new Emitter<RoomEvents>();
  readonly #handlers = new Map<number, Set<Handler>>();
  protected readonly options: RoomOptions;
  protected readonly lanes: readonly LaneConfig[];
  protected readonly participantMap = new Map<string, Participant>();
  protected connectionState: ConnectionState = 'idle';
  /** Refused frames by error code. */
  readonly errorCounts: Partial<Record<BeckonErrorCode, number>> = {};

  constructor(options: RoomOptions) {
    this.options = options;
    this.transport = options.transport;
    this.lanes = options.lanes ?? defaultLanes;
    this.registry = new Registry(options.types);
  }

  abstract readonly isHost: boolean;
  /** This participant's id. */
  abstract readonly selfId: string;

  get state(): ConnectionState {
    return this.connectionState;
  }

  /** Everyone present, this participant included. */
  get participants(): readonly Participant[] {
    return [...this.participantMap.values()];
  }

  participant(id: string): Participant | undefined {
    return this.participantMap.get(id);
  }

  /** Subscribes to a message type, or to a room event. Returns the unsubscribe function. */
  on<T extends object>(type: MessageType<T>, handler: (value: T, meta: MessageMeta) => void): () => void;
  on<K extends keyof RoomEvents>(event: K, handler: (payload: RoomEvents[K]) => void): () => void;
  on(target: MessageType | keyof RoomEvents, handler: (...args: never[]) => void): () => void {
    if (typeof target === 'string') return this.#events.on(target, handler as (payload: unknown) => void);
    this.registry.add(target);
    let set = this.#handlers.get(target.id);
    if (!set) {
      set = new Set();
      this.#handlers.set(target.id, set);
    }
    const typed = handler as unknown as Handler;
    set.add(typed);
    return () => set.delete(typed);
  }

  protected emit<K extends keyof RoomEvents>(event: K, payload: RoomEvents[K]): void {
    this.#events.emit(event, payload);
  }

  protected setState(state: ConnectionState): void {
    if (this.connectionState === state) return;
    this.connectionState = state;
    this.emit('state', state);
  }

  protected reportError(error: BeckonError): void {
    this.errorCounts[error.code] = (this.errorCounts[error.code] ?? 0) + 1;
    this.emit('error', error);
  }

  /** Decodes an application frame and hands it to its handlers. Returns false (and reports) if it cannot. */
  protected deliverLocal(frame: Frame, lane: LaneName, from: string, replayed: boolean): boolean {
    const type = this.registry.get(frame.type);
    if (!type) {
      this.reportError(new BeckonError('unknown-type', `Unknown message type 0x${frame.type.toString(16)} from ${from}`, { peer: from, messageType: hex(frame.type), lane }));
      return false;
    }
    let value: object;
    try {
      value = type.decode(frame.payload);
    } catch (cause) {
      this.reportError(new BeckonError('malformed-frame', `Malformed ${type.name} from ${from}: ${describe(cause)}`, { peer: from, messageType: type.name, lane, cause }));
      return false;
    }
    const meta: MessageMeta = { type, from, to: frame.to, lane, sentAt: frame.sentAt, receivedAt: now(), replayed };
    const handlers = this.#handlers.get(type.id);
    if (handlers) {
      for (const handler of [...handlers]) {
        try {
          handler(value, meta);
        } catch (error) {
          reportListenerError(error);
        }
      }
    }
    this.emit('message', { type, value, meta });
    return true;
  }

  /** Forwards a session's lifecycle events as room events, naming the peer by participant id once known. */
  protected forwardSessionEvents(session: PeerSession, peerName: () => string): void {
    const events = session.events;
    events.on('error', (error) => this.reportError(error.withPeer(peerName())));
    events.on('lane-open', ({ lane }) => this.emit('lane-open', { peer: peerName(), lane }));
    events.on('lane-close', ({ lane }) => this.emit('lane-close', { peer: peerName(), lane }));
    events.on('lane-error', ({ lane, error }) => this.emit('lane-error', { peer: peerName(), lane, error }));
    events.on('buffered-amount', (state) => this.emit('buffered-amount', { peer: peerName(), ...state }));
    events.on('delivery', (result) => this.emit('delivery', { peer: peerName(), result }));
    events.on('progress', (progress) => this.emit('progress', { ...progress, peer: peerName() }));
    events.on('rtt', (rttMs) => this.emit('rtt', { peer: peerName(), rttMs }));
  }

  protected encodePayload<T extends object>(type: MessageType<T>, value: MessageInit<T>): Uint8Array {
    this.registry.add(type);
    return type.encode(value);
  }
}

/** The room's authority: accepts members, enforces the policy, relays, and keeps the state late joiners receive. */
export class HostRoom extends Room {
  readonly isHost = true;
  readonly selfId: string;
  readonly roomName: string;
  readonly #members = new Map<string, MemberSlot>();
  readonly #known = new Map<string, Known>();
  /** Random per host start: members learn that message ids restarted. */
  readonly #epoch = randomId(8);
  readonly #retained = new Map<string, Frame>();
  readonly #rateLimit: RateLimit | undefined;
  readonly #options: HostOptions;

  constructor(options: HostOptions) {
    super(options);
    this.#options = options;
    this.selfId = options.participantId ?? randomId(10);
    this.roomName = options.room ?? '';
    this.#rateLimit = options.rateLimit === false ? undefined : { ...defaultRateLimit, ...options.rateLimit };
    for (const type of controlTypes) this.registry.add(type);
    for (const { participant, token } of options.identities ?? []) {
      this.#known.set(participant.id, { token, participant, epoch: '', acceptedId: 0, sentId: 0, unacked: [], waiting: [], goneAt: undefined });
    }
  }

  /** Everyone who has joined, with the tokens that let them rejoin: persist it to survive a host restart. */
  identities(): IdentityRecord[] {
    return [...this.#known.values()].map(({ participant, token }) => ({ participant, token }));
  }

  /** Starts accepting members. */
  open(): this {
    const self: Participant = {
      id: this.selfId,
      name: cleanText(this.options.name ?? 'Host', 64),
      role: 'host',
      joinedAt: Date.now(),
      metadata: this.options.metadata ?? {},
    };
    this.participantMap.set(self.id, self);
    this.transport.listen({ lanes: this.lanes }, (link) => this.#accept(link));
    this.setState('open');
    this.emit('participants', this.participants);
    return this;
  }

  /** Connected members' sessions, for statistics and tests. */
  sessionOf(participantId: string): PeerSession | undefined {
    return this.#members.get(participantId)?.session;
  }

  stats(): ReadonlyMap<string, SessionStats> {
    return new Map([...this.#members].map(([id, slot]) => [id, slot.session.stats]));
  }

  /** Sends to every member, or to those in `options.to`. */
  send<T extends object>(type: MessageType<T>, value: MessageInit<T>, options: SendOptions = {}): Delivery {
    const payload = this.encodePayload(type, value);
    const lane = options.lane ?? type.lane;
    const frame: Frame = { type: type.id, payload, seq: 0, sentAt: now(), from: '', to: '', id: 0 };
    if (options.retain !== undefined) this.#retained.set(options.retain, frame);
    const recipients = options.to === undefined ? this.#recipients('') : typeof options.to === 'string' ? [options.to] : options.to;
    return this.#sendFrame(frame, lane, recipients);
  }

  /** Keeps a message as room state without sending it now. */
  retain<T extends object>(key: string, type: MessageType<T>, value: MessageInit<T>): void {
    this.#retained.set(key, { type: type.id, payload: this.encodePayload(type, value), seq: 0, sentAt: now(), from: '', to: '', id: 0 });
  }

  forget(key: string): void {
    this.#retained.delete(key);
  }

  /** Disconnects a member; it may not rejoin with the same identity. */
  remove(participantId: string, reason = 'removed'): void {
    const slot = this.#members.get(participantId);
    const known = this.#known.get(participantId);
    this.#known.delete(participantId);
    const error = new BeckonError('delivery-failed', `${participantId} was removed`, { peer: participantId });
    for (const resolve of known?.waiting.splice(0) ?? []) resolve({ ok: false, seq: 0, error });
    if (slot) {
      slot.removedReason = reason;
      slot.session.close(reason);
    }
  }

  async close(): Promise<void> {
    if (this.connectionState === 'closed') return;
    this.setState('closed');
    for (const slot of this.#members.values()) slot.session.close('host closed');
    this.#members.clear();
    await this.transport.close();
  }

  /** Participants who should get a broadcast: those here, and those briefly gone who will be back for it. */
  #recipients(except: string): string[] {
    const grace = this.#options.resumeGraceMs ?? 60_000;
    const t = now();
    return [...this.#known]
      .filter(([id, known]) => id !== except && (this.#members.has(id) || (known.goneAt !== undefined && t - known.goneAt < grace)))
      .map(([id]) => id);
  }

  #sendFrame(frame: Frame, lane: LaneName, recipients: readonly string[]): Delivery {
    const results: Promise<DeliveryResult>[] = [];
    let transfer = 0;
    const tracked = this.#isReliableLane(lane);
    for (const id of recipients) {
      const known = this.#known.get(id);
      let outgoing = frame;
      if (tracked && known) {
        // Numbered and kept until acknowledged, so a member that reconnects gets it exactly once.
        outgoing = { ...frame, id: ++known.sentId };
        known.unacked.push(outgoing);
        const limit = this.#options.resumeBufferSize ?? 1000;
        if (known.unacked.length > limit) known.unacked.splice(0, known.unacked.length - limit);
      }
      const slot = this.#members.get(id);
      if (!slot) {
        if (known) results.push(new Promise<DeliveryResult>((resolve) => known.waiting.push(resolve)));
        continue;
      }
      try {
        const sent = slot.session.send(outgoing, lane);
        transfer ||= sent.transfer;
        if (tracked && known) {
          void sent.settled.then((result) => {
            if (result.ok) dropAcknowledged(known.unacked, outgoing.id);
          });
        }
        results.push(sent.settled);
      } catch (error) {
        if (!(error instanceof BeckonError)) throw error;
        results.push(Promise.resolve({ ok: false, seq: 0, error }));
        this.reportError(error.withPeer(id));
      }
    }
    return { lane, transfer, settled: allDelivered(results) };
  }

  #isReliableLane(lane: LaneName): boolean {
    const config = this.lanes.find((candidate) => candidate.name === lane);
    return config !== undefined && isReliable(config);
  }

  #accept(link: Link): void {
    if (this.connectionState === 'closed') return link.close();
    const session = new PeerSession(link, this.options.session);
    let participantId: string | undefined;
    let joining = false;
    const joinTimer = setTimeout(() => {
      if (participantId === undefined) session.close('join timeout');
    }, this.#options.joinTimeoutMs ?? 10_000);
    this.forwardSessionEvents(session, () => participantId ?? link.remoteId);
    session.events.on('frame', ({ frame, lane }) => {
      if (participantId === undefined) {
        if (frame.type !== Join.id || joining) {
          this.reportError(new BeckonError('policy-violation', `Frame before the welcome from ${link.remoteId}`, { peer: link.remoteId }));
          return;
        }
        joining = true;
        void this.#join(session, frame).then((id) => {
          participantId = id;
          if (id !== undefined) clearTimeout(joinTimer);
        });
        return;
      }
      const slot = this.#members.get(participantId);
      if (slot?.session === session) this.#fromMember(slot, frame, lane);
    });
    session.events.on('closed', ({ reason }) => {
      clearTimeout(joinTimer);
      if (participantId !== undefined) this.#disconnected(participantId, session, reason);
    });
    session.start();
  }

  /** Admits a member; resolves to its participant id, or undefined when refused. */
  async #join(session: PeerSession, frame: Frame): Promise<string | undefined> {
    let join: Join;
    try {
      join = Join.decode(frame.payload);
    } catch (cause) {
      this.reportError(new BeckonError('malformed-frame', `Malformed Join from ${session.peer}`, { peer: session.peer, cause }));
      session.close('malformed join');
      return undefined;
    }
    const refuse = (code: string, message: string): undefined => {
      session.send({ type: Refused.id, payload: Refused.encode({ code, message }) }, 'reliable', false);
      this.reportError(new BeckonError('refused', `Refused ${session.peer}: ${message}`, { peer: session.peer }));
      setTimeout(() => session.close('refused'), 200);
      return undefined;
    };
    if (join.protocol !== protocolVersion) return refuse('protocol', `Protocol ${join.protocol} is not ${protocolVersion}`);
    const id = cleanId(join.participantId) || randomId(10);
    const token = join.resumeToken;
    if (id === this.selfId) return refuse('identity-taken', 'That participant id is the host');
    const known = this.#known.get(id);
    if (known && known.token !== token) return refuse('identity-taken', `Participant ${id} is already someone else`);
    const role: Role = join.role === RoleValue.OBSERVER ? 'observer' : 'member';
    const request: JoinRequest = { participantId: id, name: cleanText(join.name, 64), role, metadata: cleanMetadata(join.metadata), peer: session.peer };
    const verdict = this.#options.admit?.(request) ?? true;
    if (verdict !== true) return refuse('not-admitted', verdict);
    const context: JoinContext = { host: this.transport.localId, member: session.peer, participantId: join.participantId, nonce: join.nonce };
    const credentials = this.#options.credentials;
    if (credentials && !(await checkInviteProof(credentials.invite.secret, context, join.proof))) {
      return refuse('invite-required', 'This peer does not hold a valid invite to the room');
    }
    const signature = credentials && join.nonce.length >= 16 ? await signWelcome(credentials.privateKey, context) : new Uint8Array(0);
    if (session.closed || this.connectionState === 'closed') return undefined;
    // Checked again: another link may have claimed the identity while the proofs were computed.
    const current = this.#known.get(id);
    if (current !== known) return refuse('identity-taken', `Participant ${id} joined meanwhile from another connection`);

    const rejoined = known !== undefined;
    const participant: Participant = known
      ? { ...known.participant, name: request.name || known.participant.name, metadata: request.metadata }
      : { id, name: request.name || 'Guest', role, joinedAt: Date.now(), metadata: request.metadata };
    const record: Known = known ?? { token, participant, epoch: join.epoch, acceptedId: 0, sentId: 0, unacked: [], waiting: [], goneAt: undefined };
    record.participant = participant;
    record.goneAt = undefined;
    if (record.epoch !== join.epoch) {
      // A reload: the member's message ids start again.
      record.epoch = join.epoch;
      record.acceptedId = 0;
    }
    this.#known.set(id, record);
    const previous = this.#members.get(id);
    this.#members.set(id, { participant, session, typeBuckets: new Map(), tokens: this.#rateLimit?.burst ?? 0, refilledAt: now(), strikes: [], removedReason: undefined });
    // A reload often arrives before the old link is noticed dead: the new link replaces it. If the old one is in
    // fact alive (a duplicated tab), it is told why, so it does not reconnect and push this one out in turn.
    if (previous) {
      try {
        previous.session.send({ type: Refused.id, payload: Refused.encode({ code: 'replaced', message: 'This participant joined from another connection' }) }, 'reliable', false);
      } catch {
        // Already gone.
      }
      setTimeout(() => previous.session.close('replaced'), 200);
    }
    this.participantMap.set(id, participant);

    const welcome: MessageInit<Welcome> = {
      protocol: protocolVersion,
      room: this.roomName,
      self: toMessage(participant),
      participants: this.participants.map(toMessage),
      state: [...this.#retained.values()].map(toEnvelope),
      hostTime: Date.now(),
      rejoined,
      signature,
      epoch: this.#epoch,
      lastAccepted: record.acceptedId,
    };
    try {
      session.send({ type: Welcome.id, payload: Welcome.encode(welcome) }, 'reliable');
      // What the member missed while away, in order; it drops any it already has.
      const resumeFrom = join.resumeEpoch === this.#epoch ? join.resumeId : Number.POSITIVE_INFINITY;
      for (const kept of record.unacked) {
        if (kept.id <= resumeFrom) continue;
        const sent = session.send(kept, 'reliable');
        void sent.settled.then((result) => {
          if (result.ok) dropAcknowledged(record.unacked, kept.id);
        });
      }
      for (const resolve of record.waiting.splice(0)) resolve({ ok: true, seq: 0, at: now() });
    } catch (error) {
      if (error instanceof BeckonError) this.reportError(error.withPeer(id));
    }
    this.#broadcastControl(ParticipantJoined.id, ParticipantJoined.encode({ participant: toMessage(participant), rejoined }), id);
    this.emit('join', { participant, rejoined });
    this.emit('participants', this.participants);
    return id;
  }

  #fromMember(slot: MemberSlot, frame: Frame, lane: LaneName): void {
    const from = slot.participant.id;
    if (frame.type === Leave.id) {
      slot.session.close('left');
      return;
    }
    if (!this.#takeToken(slot)) {
      this.#refuseFrame(slot, frame, new BeckonError('rate-limited', `${from} is sending faster than ${this.#rateLimit?.perSecond}/s; frame dropped`, { peer: from, lane }));
      return;
    }
    const known = this.#known.get(from);
    if (frame.id && known) {
      // A message re-sent after a reconnect that already arrived before it: acknowledged, not delivered twice.
      if (frame.id <= known.acceptedId) return;
      known.acceptedId = frame.id;
    }
    const type = this.registry.get(frame.type);
    if (!type || controlIds.has(type.id)) {
      const error = type
        ? new BeckonError('policy-violation', `${from} may not send ${type.name}`, { peer: from, messageType: type.name, lane })
        : new BeckonError('unknown-type', `Unknown message type 0x${frame.type.toString(16)} from ${from}`, { peer: from, messageType: hex(frame.type), lane });
      this.#refuseFrame(slot, frame, error);
      return;
    }
    const limit = type.maxBytes || this.#options.maxPayloadBytes || 64 * 1024;
    if (frame.payload.length > limit) {
      this.#refuseFrame(slot, frame, new BeckonError('oversized', `${type.name} from ${from} is ${frame.payload.length} bytes; the limit is ${limit}`, { peer: from, messageType: type.name, lane }));
      return;
    }
    if (type.maxRate > 0 && !takeTypeToken(slot, type)) {
      this.#refuseFrame(slot, frame, new BeckonError('rate-limited', `${from} sends ${type.name} faster than ${type.maxRate}/s; dropped`, { peer: from, messageType: type.name, lane }));
      return;
    }
    const to = frame.to;
    if (type.policy === 'nobody' || (type.policy === 'host' && to !== '' && to !== this.selfId)) {
      const what = type.policy === 'nobody' ? `may not send ${type.name}` : `may send ${type.name} only to the host`;
      this.#refuseFrame(slot, frame, new BeckonError('policy-violation', `${from} ${what}`, { peer: from, messageType: type.name, lane }));
      return;
    }
    if (type.policy === 'everyone' && to !== '' && to !== this.selfId && !this.#members.has(to)) {
      this.#refuseFrame(slot, frame, new BeckonError('policy-violation', `${from} addressed ${type.name} to unknown participant ${to}`, { peer: from, messageType: type.name, lane }));
      return;
    }
    // Stamp the sender: whatever a member put in `from` is replaced.
    const stamped: Frame = { type: frame.type, payload: frame.payload, seq: 0, sentAt: frame.sentAt, from, to, id: 0 };
    if (to === '' || to === this.selfId) {
      if (!this.deliverLocal(stamped, lane, from, false)) return;
    } else if (!this.#validates(type, stamped, from, lane)) {
      return;
    }
    if (type.policy === 'everyone' && to !== this.selfId) {
      const recipients = to === '' ? this.#recipients(from) : [to];
      this.#sendFrame(stamped, lane, recipients);
    }
  }

  #validates(type: MessageType, frame: Frame, from: string, lane: LaneName): boolean {
    try {
      type.decode(frame.payload);
      return true;
    } catch (cause) {
      this.reportError(new BeckonError('malformed-frame', `Malformed ${type.name} from ${from}`, { peer: from, messageType: type.name, lane, cause }));
      return false;
    }
  }

  #takeToken(slot: MemberSlot): boolean {
    const limit = this.#rateLimit;
    if (!limit) return true;
    const t = now();
    slot.tokens = Math.min(limit.burst, slot.tokens + ((t - slot.refilledAt) / 1000) * limit.perSecond);
    slot.refilledAt = t;
    if (slot.tokens < 1) return false;
    slot.tokens -= 1;
    return true;
  }

  /** Reports a refused frame, tells the sender why (at most once a second), and removes persistent abusers. */
  #refuseFrame(slot: MemberSlot, frame: Frame, error: BeckonError): void {
    this.reportError(error);
    const t = now();
    slot.strikes.push(t);
    while (slot.strikes.length > 0 && slot.strikes[0]! < t - 10_000) slot.strikes.shift();
    const removeAfter = this.#rateLimit?.removeAfter ?? 0;
    if (removeAfter > 0 && slot.strikes.length >= removeAfter) {
      this.remove(slot.participant.id, 'removed: too many refused messages');
      return;
    }
    if (t - (slot.lastErrorSentAt ?? 0) < 1000) return;
    slot.lastErrorSentAt = t;
    try {
      slot.session.send(
        { type: ErrorMessage.id, payload: ErrorMessage.encode({ code: error.code, message: error.message, type: frame.type, seq: frame.seq }) },
        'reliable',
        false,
      );
    } catch {
      // The member is going away; nothing more to tell it.
    }
  }

  #broadcastControl(type: number, payload: Uint8Array, except: string): void {
    for (const [id, slot] of this.#members) {
      if (id === except) continue;
      try {
        slot.session.send({ type, payload }, 'reliable', false);
      } catch (error) {
        if (error instanceof BeckonError) this.reportError(error.withPeer(id));
      }
    }
  }

  #disconnected(id: string, session: PeerSession, reason: string): void {
    const slot = this.#members.get(id);
    if (!slot || slot.session !== session) return;
    this.#members.delete(id);
    const known = this.#known.get(id);
    if (known) known.goneAt = now();
    const participant = this.participantMap.get(id);
    this.participantMap.delete(id);
    if (!participant || this.connectionState === 'closed') return;
    const why = slot.removedReason ?? reason;
    this.#broadcastControl(ParticipantLeft.id, ParticipantLeft.encode({ id, reason: why }), id);
    this.emit('leave', { participant, reason: why });
    this.emit('participants', this.participants);
  }
}

/** What the host remembers of a participant across reconnects. */
interface Known {
  readonly token: string;
  participant: Participant;
  /** The member's epoch: its message ids restart when it changes (a reload). */
  epoch: string;
  /** Highest message id accepted from the member in its epoch. */
  acceptedId: number;
  /** Last id given to a reliable message for the member. */
  sentId: number;
  /** Reliable messages for the member not yet acknowledged, redelivered after a reconnect. */
  readonly unacked: Frame[];
  /** Deliveries waiting for the member to come back. */
  waiting: ((result: DeliveryResult) => void)[];
  /** When the member's link went away, if it is away. */
  goneAt: number | undefined;
}

/** Drops the kept frames up to and including `id` (they are in id order), without copying the rest. */
function dropAcknowledged(unacked: Frame[], id: number): void {
  let count = 0;
  while (count < unacked.length && unacked[count]!.id <= id) count++;
  unacked.splice(0, count);
}

function takeTypeToken(slot: MemberSlot, type: MessageType): boolean {
  const t = now();
  const bucket = slot.typeBuckets.get(type.id) ?? { tokens: type.maxRate * 2, at: t };
  bucket.tokens = Math.min(type.maxRate * 2, bucket.tokens + ((t - bucket.at) / 1000) * type.maxRate);
  bucket.at = t;
  slot.typeBuckets.set(type.id, bucket);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

interface MemberSlot {
  readonly participant: Participant;
  readonly session: PeerSession;
  readonly typeBuckets: Map<number, { tokens: number; at: number }>;
  tokens: number;
  refilledAt: number;
  readonly strikes: number[];
  removedReason: string | undefined;
  lastErrorSentAt?: number;
}

/** A member of a room: connects to the host, joins, and reconnects as the same participant. */
export class MemberRoom extends Room {
  readonly isHost = false;
  readonly selfId: string;
  readonly identity: Identity;
  #hostParticipantId = '';
  #session: PeerSession | undefined;
  #welcome: ((welcome: Welcome) => void) | undefined;
  #refused: ((error: BeckonError) => void) | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  readonly #options: MemberOptions;
  /** Random per page load, so the host knows when this member's message ids restart. */
  readonly #epoch = randomId(8);
  #sentId = 0;
  /** Reliable messages not yet acknowledged (or not yet sent while reconnecting), re-sent after a reconnect. */
  readonly #outbox: OutboxEntry[] = [];
  #hostEpoch = '';
  #receivedId = 0;
  /** Frames from the host that arrive before the welcome is checked and applied, handled right after. */
  #early: { frame: Frame; lane: LaneName }[] | undefined;

  constructor(options: MemberOptions) {
    super(options);
    this.#options = options;
    this.identity = options.identity ?? { participantId: randomId(10), resumeToken: randomId(24) };
    this.selfId = this.identity.participantId;
    for (const type of controlTypes) this.registry.add(type);
  }

  /** Participant id of the host. */
  get hostId(): string {
    return this.#hostParticipantId;
  }

  get session(): PeerSession | undefined {
    return this.#session;
  }

  /** Connects to the host and joins. Resolves once welcomed; rejects with a BeckonError (`refused`, `timeout`, ...). */
  async join(): Promise<void> {
    if (this.connectionState === 'closed') throw new BeckonError('closed', 'Room is closed');
    this.setState(this.connectionState === 'reconnecting' ? 'reconnecting' : 'connecting');
    const timeoutMs = this.#options.joinTimeoutMs ?? 10_000;
    const link = await this.transport.connect(this.#options.hostId, { lanes: this.lanes, timeoutMs });
    if ((this.connectionState as ConnectionState) === 'closed') {
      link.close();
      throw new BeckonError('closed', 'Room closed while joining');
    }
    const session = new PeerSession(link, this.options.session);
    this.#session = session;
    this.forwardSessionEvents(session, () => this.#hostParticipantId || link.remoteId);
    const welcomed = new Promise<Welcome>((resolve, reject) => {
      this.#welcome = resolve;
      this.#refused = reject;
      setTimeout(() => reject(new BeckonError('timeout', `No welcome from the host within ${timeoutMs} ms`, { peer: link.remoteId })), timeoutMs);
    });
    this.#early = [];
    session.events.on('frame', ({ frame, lane }) => {
      if (this.#early && frame.type !== Welcome.id && frame.type !== Refused.id) this.#early.push({ frame, lane });
      else this.#fromHost(frame, lane);
    });
    session.events.on('closed', ({ reason }) => this.#lost(session, reason));
    session.start();
    const invite = this.#options.invite;
    const nonce = crypto.getRandomValues(new Uint8Array(16));
    const context: JoinContext = { host: link.remoteId, member: this.transport.localId, participantId: this.identity.participantId, nonce };
    const join: MessageInit<Join> = {
      protocol: protocolVersion,
      participantId: this.identity.participantId,
      resumeToken: this.identity.resumeToken,
      name: this.options.name ?? '',
      role: roleValues[this.#options.role ?? 'member'],
      metadata: { ...this.options.metadata },
      nonce,
      proof: invite ? await proveInvite(invite.secret, context) : new Uint8Array(0),
      epoch: this.#epoch,
      resumeEpoch: this.#hostEpoch,
      resumeId: this.#receivedId,
    };
    session.send({ type: Join.id, payload: Join.encode(join) }, 'reliable');
    try {
      const welcome = await welcomed;
      if (invite && !(await checkWelcomeSignature(invite.hostKey, context, welcome.signature))) {
        const error = new BeckonError(
          'refused',
          `The peer answering as host ${link.remoteId} could not prove it holds the room's key: it is not the host of this room`,
          { peer: link.remoteId },
        );
        this.reportError(error);
        throw error;
      }
      this.#applyWelcome(welcome, link.remoteId);
      const early = this.#early ?? [];
      this.#early = undefined;
      for (const { frame, lane } of early) this.#fromHost(frame, lane);
      this.#resend(welcome.lastAccepted);
    } catch (error) {
      this.#early = undefined;
      session.close('join failed');
      throw error;
    } finally {
      this.#welcome = undefined;
      this.#refused = undefined;
    }
  }

  /** Sends to the host, or (for `everyone` types) to everyone or the participants in `options.to`, via the host. */
  send<T extends object>(type: MessageType<T>, value: MessageInit<T>, options: SendOptions = {}): Delivery {
    const session = this.#session;
    if (this.connectionState !== 'open' && this.connectionState !== 'reconnecting') {
      throw new BeckonError('not-connected', `Cannot send ${type.name}: the room is ${this.connectionState}`, { messageType: type.name });
    }
    const to = typeof options.to === 'string' ? options.to : (options.to?.[0] ?? '');
    if (typeof options.to === 'object' && options.to.length > 1) {
      throw new BeckonError('policy-violation', 'Members address one participant at a time', { messageType: type.name });
    }
    if (type.policy === 'nobody' || (type.policy === 'host' && to !== '' && to !== this.#hostParticipantId)) {
      throw new BeckonError('policy-violation', `Members may not send ${type.name}${type.policy === 'host' ? ' except to the host' : ''}`, {
        messageType: type.name,
      });
    }
    const payload = this.encodePayload(type, value);
    const lane = options.lane ?? type.lane;
    const config = this.lanes.find((candidate) => candidate.name === lane);
    if (!config || !isReliable(config)) {
      if (!session || this.connectionState !== 'open') {
        throw new BeckonError('not-connected', `Cannot send ${type.name}: the room is ${this.connectionState}`, { messageType: type.name });
      }
      const sent = session.send({ type: type.id, payload, to }, lane);
      return { lane, transfer: sent.transfer, settled: sent.settled };
    }
    if (this.#outbox.length >= (this.#options.outboxSize ?? 1000)) {
      throw new BeckonError('queue-full', `${this.#outbox.length} reliable messages are waiting for the host`, { messageType: type.name });
    }
    let resolve!: (result: DeliveryResult) => void;
    const settled = new Promise<DeliveryResult>((done) => (resolve = done));
    const entry: OutboxEntry = { id: ++this.#sentId, type: type.id, payload, to, lane, resolve, transfer: 0 };
    this.#outbox.push(entry);
    // While reconnecting the message waits in the outbox; it goes out, in order, once the host has us back.
    if (session && this.connectionState === 'open') this.#transmit(entry, session);
    return { lane, transfer: entry.transfer, settled };
  }

  #transmit(entry: OutboxEntry, session: PeerSession): void {
    let sent: ReturnType<PeerSession['send']>;
    try {
      sent = session.send({ type: entry.type, payload: entry.payload, to: entry.to, id: entry.id }, entry.lane);
    } catch (error) {
      this.#forget(entry);
      throw error;
    }
    entry.transfer = sent.transfer;
    void sent.settled.then((result) => {
      // A failure because the link dropped is not final: the entry stays and is re-sent after the reconnect.
      if (!result.ok) return;
      this.#forget(entry);
      entry.resolve(result);
    });
  }

  /** After a (re)join: everything the host has not accepted yet goes out again, in order. */
  #resend(lastAccepted: number): void {
    const session = this.#session;
    if (!session) return;
    for (const entry of [...this.#outbox]) {
      if (entry.id <= lastAccepted) {
        this.#forget(entry);
        entry.resolve({ ok: true, seq: 0, at: now() });
        continue;
      }
      try {
        this.#transmit(entry, session);
      } catch (error) {
        if (error instanceof BeckonError) entry.resolve({ ok: false, seq: 0, error });
      }
    }
  }

  /** Takes an entry out of the outbox; acknowledgements come in order, so it is almost always the first. */
  #forget(entry: OutboxEntry): void {
    const index = this.#outbox.indexOf(entry);
    if (index >= 0) this.#outbox.splice(index, 1);
  }

  #failOutbox(reason: string): void {
    const error = new BeckonError('delivery-failed', `Not delivered: ${reason}`, { peer: this.#hostParticipantId });
    for (const entry of this.#outbox.splice(0)) entry.resolve({ ok: false, seq: 0, error });
  }

  /** Leaves the room for good (no reconnect). */
  async leave(): Promise<void> {
    if (this.connectionState === 'closed') return;
    const session = this.#session;
    this.setState('closed');
    clearTimeout(this.#reconnectTimer);
    this.#failOutbox('left the room');
    if (session && !session.closed) {
      try {
        session.send({ type: Leave.id, payload: Leave.encode({ reason: 'left' }) }, 'reliable', false);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } catch {
        // Already gone.
      }
      session.close('left');
    }
    await this.transport.close();
  }

  #fromHost(frame: Frame, lane: LaneName): void {
    switch (frame.type) {
      case Welcome.id:
        return this.#decodeControl(Welcome, frame, (welcome) => this.#welcome?.(welcome));
      case Refused.id:
        return this.#decodeControl(Refused, frame, (refused) => {
          const error = new BeckonError('refused', `The host refused to let us join: ${refused.message} (${refused.code})`, { peer: this.#options.hostId });
          this.reportError(error);
          if (this.#refused) this.#refused(error);
          else this.#giveUp();
        });
      case ParticipantJoined.id:
        return this.#decodeControl(ParticipantJoined, frame, ({ participant, rejoined }) => {
          if (!participant) return;
          const joined = fromMessage(participant);
          this.participantMap.set(joined.id, joined);
          this.emit('join', { participant: joined, rejoined });
          this.emit('participants', this.participants);
        });
      case ParticipantLeft.id:
        return this.#decodeControl(ParticipantLeft, frame, ({ id, reason }) => {
          const participant = this.participantMap.get(id);
          if (!participant) return;
          this.participantMap.delete(id);
          this.emit('leave', { participant, reason });
          this.emit('participants', this.participants);
        });
      case ErrorMessage.id:
        return this.#decodeControl(ErrorMessage, frame, (error) => {
          const code = (error.code in knownCodes ? error.code : 'policy-violation') as BeckonErrorCode;
          this.reportError(new BeckonError(code, `The host refused a message: ${error.message}`, { peer: this.#hostParticipantId, messageType: hex(error.type) }));
        });
      default:
        if (frame.id) {
          // Redelivered after a reconnect but already handled: drop the copy.
          if (frame.id <= this.#receivedId) return;
          this.#receivedId = frame.id;
        }
        this.deliverLocal(frame, lane, frame.from || this.#hostParticipantId, false);
    }
  }

  #decodeControl<T extends object>(type: MessageType<T>, frame: Frame, use: (value: T) => void): void {
    let value: T;
    try {
      value = type.decode(frame.payload);
    } catch (cause) {
      this.reportError(new BeckonError('malformed-frame', `Malformed ${type.name} from the host`, { peer: this.#hostParticipantId, cause }));
      return;
    }
    use(value);
  }

  #applyWelcome(welcome: Welcome, hostPeer: string): void {
    if (welcome.epoch !== this.#hostEpoch) {
      // A new host start (or first join): its message ids start again.
      this.#hostEpoch = welcome.epoch;
      this.#receivedId = 0;
    }
    this.participantMap.clear();
    for (const participant of welcome.participants) {
      const p = fromMessage(participant);
      this.participantMap.set(p.id, p);
      if (p.role === 'host') this.#hostParticipantId = p.id;
    }
    if (!this.#hostParticipantId) this.#hostParticipantId = hostPeer;
    this.#attempt = 0;
    this.setState('open');
    this.emit('participants', this.participants);
    for (const envelope of welcome.state) {
      const frame: Frame = { type: envelope.type, payload: envelope.payload, seq: 0, sentAt: envelope.sentAt, from: envelope.from, to: envelope.to, id: 0 };
      this.deliverLocal(frame, 'reliable', frame.from || this.#hostParticipantId, true);
    }
  }

  #lost(session: PeerSession, reason: string): void {
    if (session !== this.#session || this.connectionState === 'closed') return;
    this.#session = undefined;
    if (this.connectionState !== 'open') return; // join() is still running and reports its own failure
    if (this.#options.reconnect === false || reason === 'refused') return this.#giveUp();
    this.setState('reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const delay = Math.min(this.#options.reconnectMaxDelayMs ?? 5000, 250 * 2 ** this.#attempt++);
    this.#reconnectTimer = setTimeout(() => {
      this.join().catch((error: unknown) => {
        if (this.connectionState === 'closed') return;
        if (error instanceof BeckonError && error.code === 'refused') return this.#giveUp();
        this.setState('reconnecting');
        this.#scheduleReconnect();
      });
    }, delay);
  }

  #giveUp(): void {
    this.#failOutbox('gave up reconnecting');
    this.setState('closed');
    void this.transport.close();
  }
}

interface OutboxEntry {
  readonly id: number;
  readonly type: number;
  readonly payload: Uint8Array;
  readonly to: string;
  readonly lane: LaneName;
  readonly resolve: (result: DeliveryResult) => void;
  transfer: number;
}

const knownCodes: Record<string, true> = {
  'malformed-frame': true,
  'unknown-type': true,
  oversized: true,
  'policy-violation': true,
  'rate-limited': true,
  'queue-full': true,
  refused: true,
};

/** Hosts a room on `transport`: `await hostRoom({...})` is listening and ready. */
export function hostRoom(options: HostOptions): HostRoom {
  return new HostRoom(options).open();
}

/** Joins the room hosted at `options.hostId`. Subscribe in `setup` to receive the room's state replayed on join. */
export async function joinRoom(options: MemberOptions, setup?: (room: MemberRoom) => void): Promise<MemberRoom> {
  const room = new MemberRoom(options);
  setup?.(room);
  await room.join();
  return room;
}

function allDelivered(results: Promise<DeliveryResult>[]): Promise<DeliveryResult> {
  if (results.length === 1) return results[0]!;
  return Promise.all(results).then((all) => all.find((result) => !result.ok) ?? { ok: true, seq: 0, at: now() });
}

function toMessage(participant: Participant): MessageInit<ParticipantMessage> {
  return {
    id: participant.id,
    name: participant.name,
    role: roleValues[participant.role],
    joinedAt: participant.joinedAt,
    metadata: { ...participant.metadata },
    connected: true,
  };
}

function fromMessage(message: ParticipantMessage): Participant {
  return {
    id: message.id,
    name: message.name,
    role: roleNames[message.role] ?? 'member',
    joinedAt: message.joinedAt,
    metadata: { ...message.metadata },
  };
}

function toEnvelope(frame: Frame): MessageInit<Envelope> {
  return { type: frame.type, payload: frame.payload, sentAt: frame.sentAt, from: frame.from, to: frame.to };
}

/** Display text from a peer: no control characters, bounded length. Rendering it safely is the UI's job. */
function cleanText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, max);
}

function cleanId(id: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : '';
}

function cleanMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata).slice(0, 16);
  return Object.fromEntries(entries.map(([key, value]) => [cleanText(key, 32), cleanText(value, 256)]));
}

function hex(id: number): string {
  return `0x${id.toString(16).padStart(8, '0')}`;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
