import type { Frame } from '../codec.ts';
import { BeckonError } from '../errors.ts';
import { Challenge, Error as ErrorMessage, Hello, Join, Leave, ParticipantJoined, ParticipantLeft, Refused, RosterUpdate, Welcome } from '../gen/control.ts';
import type { ParticipantJoined as Joined, ParticipantLeft as Left } from '../gen/control.ts';
import { randomId } from '../ids.ts';
import type { Identity } from '../ids.ts';
import { isReliable } from '../lanes.ts';
import type { LaneName } from '../lanes.ts';
import type { MessageInit, MessageType } from '../schema.ts';
import { PeerSession, Settlement } from '../session/index.ts';
import { registerSessions } from './sessions.ts';
import type { DeliveryResult } from '../session/index.ts';
import { checkChallengeSignature, joinNonce, proveInvite } from '../trust.ts';
import type { JoinContext } from '../trust.ts';
import { hex } from '../util.ts';
import { Room } from './base.ts';
import { IncomingStream, OutgoingStream } from './redelivery.ts';
import { protocolVersion } from './types.ts';
import type { ConnectionState, Delivery, LinkInfo, MemberOptions, RequestOptions, SendOptions } from './types.ts';
import { controlTypes, decodeControl, delivery, fromMessage, linkInfo, relayedCode, roleValues } from './wire.ts';
import { isStreamFrame } from '../streams/index.ts';

/** Frames from the host kept while the welcome is checked; a peer posing as host cannot make it grow beyond this. */
const maxEarlyFrames = 1000;

interface OutboxEntry {
  readonly id: number;
  readonly type: number;
  readonly payload: Uint8Array;
  readonly to: string;
  readonly lane: LaneName;
  /** The sender's outcome: settled by the host's verdict, or by leaving. */
  readonly settlement: Settlement;
  transfer: number;
}

/** A member of a room: connects to the host, joins, and reconnects as the same participant. */
export class MemberRoom extends Room {
  readonly isHost = false;
  readonly selfId: string;
  readonly identity: Identity;
  #hostParticipantId = '';
  #session: PeerSession | undefined;
  #challenge: ((challenge: Challenge) => void) | undefined;
  #welcome: ((welcome: Welcome) => void) | undefined;
  /** Whether the host on the current link proved it holds the room key (always, for rooms without an invite). */
  #hostVerified = false;
  #refused: ((error: BeckonError) => void) | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #closedBy: BeckonError | undefined;
  readonly #options: MemberOptions;
  /** Random per page load, so the host knows when this member's message ids restart. */
  readonly #epoch = randomId(8);
  /** Reliable messages not yet acknowledged (or not yet sent while reconnecting), re-sent after a reconnect. */
  readonly #outbox: OutgoingStream<OutboxEntry>;
  /** What this member accepted from the host, in the host's epoch. */
  readonly #fromHostStream = new IncomingStream();
  /** Frames from the host that arrive before the welcome is checked and applied, handled right after. */
  #early: { frame: Frame; lane: LaneName }[] | undefined;

  constructor(options: MemberOptions) {
    super(options);
    this.#options = options;
    this.identity = options.identity ?? { participantId: randomId(10), resumeToken: randomId(24) };
    this.selfId = this.identity.participantId;
    this.#outbox = new OutgoingStream<OutboxEntry>(options.outboxSize ?? 1000, 'refuse');
    for (const type of controlTypes) this.registry.add(type);
    registerSessions(this, () => this.#session);
  }

  /** Participant id of the host. */
  get hostId(): string {
    return this.#hostParticipantId;
  }

  /** Why the room closed on its own (`removed`, `refused`), for the UI to say; undefined while open or after `leave`. */
  get closedBy(): BeckonError | undefined {
    return this.#closedBy;
  }

  /** The link to the host while connected: its transport id, lanes and counters. */
  link(): LinkInfo | undefined {
    return linkInfo(this.#session);
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
    this.#hostVerified = false;
    let fail!: (error: BeckonError) => void;
    const failed = new Promise<never>((_resolve, reject) => (fail = reject));
    failed.catch(() => undefined);
    this.#refused = fail;
    const timer = setTimeout(() => fail(new BeckonError('timeout', `No welcome from the host within ${timeoutMs} ms`, { peer: link.remoteId })), timeoutMs);
    const challenged = new Promise<Challenge>((resolve) => (this.#challenge = resolve));
    const welcomed = new Promise<Welcome>((resolve) => (this.#welcome = resolve));
    this.#early = [];
    session.events.on('frame', ({ frame, lane }) => {
      if (!this.#early || frame.type === Challenge.id || frame.type === Welcome.id || frame.type === Refused.id) this.#fromHost(frame, lane);
      else if (this.#early.length < maxEarlyFrames) this.#early.push({ frame, lane });
    });
    session.events.on('closed', ({ reason }) => {
      // A link that dies while joining fails the attempt now, not at the join timeout: the next attempt can start.
      fail(new BeckonError('not-connected', `The link to ${link.remoteId} closed while joining (${reason})`, { peer: link.remoteId }));
      this.#lost(session, reason);
    });
    session.start();
    try {
      // 1. Hello: a fresh nonce and nothing secret.
      const memberNonce = crypto.getRandomValues(new Uint8Array(16));
      session.send({ type: Hello.id, payload: Hello.encode({ protocol: protocolVersion, nonce: memberNonce }) }, 'reliable');
      // 2. The host proves it holds the room key, over both nonces and both ids, before we reveal anything.
      const challenge = await Promise.race([challenged, failed]);
      const invite = this.#options.invite;
      const context = { host: link.remoteId, member: this.transport.localId, memberNonce, hostNonce: challenge.nonce };
      if (invite && !(await checkChallengeSignature(invite.hostKey, context, challenge.signature))) {
        const error = new BeckonError(
          'refused',
          `The peer answering as host ${link.remoteId} could not prove it holds the room's key: it is not the host of this room`,
          { peer: link.remoteId },
        );
        this.reportError(error);
        throw error;
      }
      this.#hostVerified = true;
      // 3. Join: the resume token, and the invite proof over the host's nonce (worthless on any other link).
      const joinContext: JoinContext = { host: link.remoteId, member: this.transport.localId, participantId: this.identity.participantId, nonce: joinNonce(memberNonce, challenge.nonce) };
      const join: MessageInit<Join> = {
        protocol: protocolVersion,
        participantId: this.identity.participantId,
        resumeToken: this.identity.resumeToken,
        name: this.options.name ?? '',
        role: roleValues[this.#options.role ?? 'member'],
        metadata: { ...this.options.metadata },
        proof: invite ? await proveInvite(invite.secret, joinContext) : new Uint8Array(0),
        epoch: this.#epoch,
        resumeEpoch: this.#fromHostStream.epoch,
        resumeId: this.#fromHostStream.lastId,
      };
      if (session.closed) throw new BeckonError('not-connected', `The link to ${link.remoteId} closed while joining`, { peer: link.remoteId });
      session.send({ type: Join.id, payload: Join.encode(join) }, 'reliable');
      const welcome = await Promise.race([welcomed, failed]);
      this.#applyWelcome(welcome, link.remoteId);
      const early = this.#early ?? [];
      this.#early = undefined;
      for (const { frame, lane } of early) this.#fromHost(frame, lane);
      this.#resend();
    } catch (error) {
      this.#early = undefined;
      session.close('join failed');
      throw error;
    } finally {
      clearTimeout(timer);
      this.#challenge = undefined;
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
    if (type.policy === 'host-to-members' || (type.policy === 'member-to-host' && to !== '' && to !== this.#hostParticipantId)) {
      throw new BeckonError('policy-violation', `Members may not send ${type.name}${type.policy === 'member-to-host' ? ' except to the host' : ''}`, {
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
      return delivery(lane, sent.transfer, sent.settlement);
    }
    if (this.#outbox.full) {
      throw new BeckonError('queue-full', `${this.#outbox.size} reliable messages are waiting for the host`, { messageType: type.name });
    }
    const settlement = new Settlement();
    const entry: OutboxEntry = { id: this.#outbox.nextId(), type: type.id, payload, to, lane, settlement, transfer: 0 };
    this.#outbox.keep(entry);
    // While reconnecting the message waits in the outbox; it goes out, in order, once the host has us back.
    if (session && this.connectionState === 'open') this.#transmit(entry, session);
    return delivery(lane, entry.transfer, settlement);
  }

  /**
   * Sends an action on a reliable lane and resolves with the host's verdict: `{ ok: true }` once the host accepted it
   * (its room checks passed and no handler rejected it), or `{ ok: false, error }` with the reason: code `rejected`
   * (the app's `meta.reject(reason)`), `rate-limited`, `policy-violation`, `oversized`, ..., or `timeout` when no
   * verdict came within `timeoutMs`. Never rejects; throws only what `send` throws.
   */
  request<T extends object>(type: MessageType<T>, value: MessageInit<T>, options: RequestOptions = {}): Promise<DeliveryResult> {
    const lane = options.lane ?? type.lane;
    const config = this.lanes.find((candidate) => candidate.name === lane);
    if (!config || !isReliable(config)) {
      throw new BeckonError('policy-violation', `${type.name} on the ${lane} lane gets no verdict: requests need a reliable lane`, { messageType: type.name, lane });
    }
    const { settled } = this.send(type, value, options);
    const timeoutMs = options.timeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<DeliveryResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, seq: 0, error: new BeckonError('timeout', `No verdict on ${type.name} from the host within ${timeoutMs} ms`, { messageType: type.name, lane }) }),
        timeoutMs,
      );
    });
    return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
  }

  #transmit(entry: OutboxEntry, session: PeerSession): void {
    let sent: ReturnType<PeerSession['send']>;
    try {
      sent = session.send({ type: entry.type, payload: entry.payload, to: entry.to, id: entry.id }, entry.lane);
    } catch (error) {
      this.#outbox.remove(entry);
      throw error;
    }
    entry.transfer = sent.transfer;
    sent.settlement.onSettled((result) => {
      // A failure because the link dropped is not final: the entry stays and is re-sent after the reconnect.
      // A refusal by the host is: the host will never accept it, and the sender is told why.
      if (!result.ok && result.error.code === 'delivery-failed') return;
      this.#outbox.remove(entry);
      entry.settlement.settle(result);
    });
  }

  protected streamRoute(to: string | undefined): { hop: string; to: string } {
    if (this.connectionState !== 'open') throw new BeckonError('not-connected', `Cannot stream: the room is ${this.connectionState}`);
    const host = this.#hostParticipantId;
    return { hop: host, to: to === undefined || to === '' ? host : to };
  }

  /** After a (re)join: everything not acknowledged yet goes out again, in order. */
  #resend(): void {
    const session = this.#session;
    if (!session) return;
    // Also what the host has seen already (up to the welcome's lastAccepted): its ack was lost, so its verdict was
    // too. The host does not deliver such a copy again; it acknowledges it, or refuses it as it did the first time.
    for (const entry of this.#outbox.pending()) {
      try {
        this.#transmit(entry, session);
      } catch (error) {
        if (error instanceof BeckonError) entry.settlement.settle({ ok: false, seq: 0, error });
      }
    }
  }

  #failOutbox(reason: string): void {
    const error = new BeckonError('delivery-failed', `Not delivered: ${reason}`, { peer: this.#hostParticipantId });
    for (const entry of this.#outbox.clear()) entry.settlement.settle({ ok: false, seq: 0, error });
  }

  /** Leaves the room for good (no reconnect). */
  async leave(): Promise<void> {
    if (this.connectionState === 'closed') return;
    const session = this.#session;
    this.setState('closed');
    clearTimeout(this.#reconnectTimer);
    this.#failOutbox('left the room');
    this.streams.close();
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
    const report = (error: BeckonError): void => this.reportError(error);
    const peer = this.#hostParticipantId || this.#options.hostId;
    switch (frame.type) {
      case Challenge.id: {
        const challenge = decodeControl(Challenge, frame, peer, report);
        if (challenge) this.#challenge?.(challenge);
        return;
      }
      case Welcome.id: {
        const welcome = decodeControl(Welcome, frame, peer, report);
        if (welcome) this.#welcome?.(welcome);
        return;
      }
      case Refused.id: {
        const refused = decodeControl(Refused, frame, peer, report);
        if (!refused) return;
        const error =
          refused.code === 'removed'
            ? new BeckonError('removed', `The host removed us from the room: ${refused.message}`, { peer: this.#options.hostId })
            : new BeckonError('refused', `The host refused to let us join: ${refused.message} (${refused.code})`, { peer: this.#options.hostId });
        this.reportError(error);
        if (this.#refused) this.#refused(error);
        else if (this.#hostVerified) this.#giveUp(error);
        return;
      }
      case RosterUpdate.id: {
        const update = decodeControl(RosterUpdate, frame, peer, report);
        if (!update) return;
        let changed = false;
        for (const change of update.changes) changed = (change.joined ? this.#joined(change.joined) : change.left ? this.#left(change.left) : false) || changed;
        if (changed) this.emit('participants', this.participants);
        return;
      }
      case ParticipantJoined.id:
      case ParticipantLeft.id: {
        // Sent one by one before protocol 3; still read.
        const changed = frame.type === ParticipantJoined.id ? this.#joined(decodeControl(ParticipantJoined, frame, peer, report)) : this.#left(decodeControl(ParticipantLeft, frame, peer, report));
        if (changed) this.emit('participants', this.participants);
        return;
      }
      case ErrorMessage.id: {
        const error = decodeControl(ErrorMessage, frame, peer, report);
        if (!error) return;
        this.reportError(new BeckonError(relayedCode(error.code), `The host refused a message: ${error.message}`, { peer: this.#hostParticipantId, messageType: hex(error.type) }));
        return;
      }
      default:
        if (isStreamFrame(frame)) return this.streams.receive(this.#hostParticipantId, frame);
        // Redelivered after a reconnect but already handled: drop the copy.
        if (!this.#fromHostStream.accept(frame.id)) return;
        this.deliverLocal(frame, lane, frame.from || this.#hostParticipantId, false);
    }
  }

  /** A join from the host; our own (the roster update that follows our Welcome) changes nothing. */
  #joined(joined: Joined | undefined): boolean {
    if (!joined?.participant || joined.participant.id === this.selfId) return false;
    const participant = fromMessage(joined.participant);
    this.participantMap.set(participant.id, participant);
    this.emit('join', { participant, rejoined: joined.rejoined });
    return true;
  }

  #left(left: Left | undefined): boolean {
    const participant = left && this.participantMap.get(left.id);
    if (!left || !participant || left.id === this.selfId) return false;
    this.participantMap.delete(left.id);
    this.emit('leave', { participant, reason: left.reason });
    return true;
  }

  #applyWelcome(welcome: Welcome, hostPeer: string): void {
    // A new host start (or first join): its message ids start again.
    this.#fromHostStream.restart(welcome.epoch);
    this.participantMap.clear();
    for (const message of welcome.participants) {
      const participant = fromMessage(message);
      this.participantMap.set(participant.id, participant);
      if (participant.role === 'host') this.#hostParticipantId = participant.id;
    }
    // The roster is the host's as of its last update, which may predate our own join.
    if (welcome.self) this.participantMap.set(this.selfId, fromMessage(welcome.self));
    if (!this.#hostParticipantId) this.#hostParticipantId = hostPeer;
    if (this.#session) this.streams.attach(this.#hostParticipantId, this.#session);
    this.#attempt = 0;
    this.setState('open');
    this.emit('participants', this.participants);
    for (const envelope of welcome.state) {
      const frame: Frame = { type: envelope.type, payload: envelope.payload, seq: 0, sentAt: envelope.sentAt, from: envelope.from, to: envelope.to, id: 0 };
      this.deliverLocal(frame, 'reliable', frame.from || this.#hostParticipantId, true);
    }
  }

  #lost(session: PeerSession, reason: string): void {
    this.streams.detach(this.#hostParticipantId, session, reason);
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
        // Only a host that proved it holds the room key can turn us away for good: a peer that grabbed its id during a
        // reload is not believed, and we keep trying (with backoff, keeping our transport id) until the real host is back.
        if (error instanceof BeckonError && (error.code === 'refused' || error.code === 'removed') && this.#hostVerified) return this.#giveUp(error);
        this.setState('reconnecting');
        this.#scheduleReconnect();
      });
    }, delay);
  }

  #giveUp(reason?: BeckonError): void {
    this.#closedBy ??= reason;
    this.#failOutbox(reason?.message ?? 'gave up reconnecting');
    this.streams.close();
    this.setState('closed');
    void this.transport.close();
  }
}

/** Joins the room hosted at `options.hostId`. Subscribe in `setup` to receive the room's state replayed on join. */
export async function joinRoom(options: MemberOptions, setup?: (room: MemberRoom) => void): Promise<MemberRoom> {
  const room = new MemberRoom(options);
  setup?.(room);
  await room.join();
  return room;
}
