import type { Frame } from '../codec.ts';
import { BeckonError } from '../errors.ts';
import { Error as ErrorMessage, Leave, Refused, RosterUpdate, Welcome } from '../gen/control.ts';
import { randomId } from '../ids.ts';
import { isReliable } from '../lanes.ts';
import type { LaneName } from '../lanes.ts';
import type { MessageInit, MessageType } from '../schema.ts';
import { PeerSession } from '../session/index.ts';
import { Quarantine } from './quarantine.ts';
import { registerSessions } from './sessions.ts';
import type { ReceivePolicy, SessionStats } from '../session/index.ts';
import { cleanText } from '../text.ts';
import type { Join } from '../gen/control.ts';
import type { Link } from '../transport.ts';
import { now } from '../util.ts';
import { AdmissionGate, admitJoin, tooManyFramesBeforeJoin } from './admission.ts';
import { Room } from './base.ts';
import { broadcastRecipients, fanOut } from './fanout.ts';
import { Budget, checkMemberFrame, decodes, defaultMaxPayloadBytes, defaultRateLimit, memberReceivePolicy } from './policy.ts';
import { Roster } from './roster.ts';
import type { Known } from './roster.ts';
import type { Delivery, HostOptions, IdentityRecord, LinkInfo, Participant, RateLimit, SendOptions } from './types.ts';
import { concat, RosterUpdates } from './roster-updates.ts';
import { controlTypes, linkInfo, welcomeMessage } from './wire.ts';
import { isStreamFrame } from '../streams/index.ts';

/** A connected member: its link and its budget. */
interface MemberSlot {
  readonly participant: Participant;
  readonly session: PeerSession;
  readonly budget: Budget;
  removedReason: string | undefined;
}

/** The room's authority: accepts members, enforces the policy, relays, and keeps the state late joiners receive. */
export class HostRoom extends Room {
  readonly isHost = true;
  readonly selfId: string;
  readonly roomName: string;
  readonly #members = new Map<string, MemberSlot>();
  readonly #roster: Roster;
  /** Random per host start: members learn that message ids restarted. */
  readonly #epoch = randomId(8);
  readonly #retained = new Map<string, Frame>();
  readonly #rateLimit: RateLimit | undefined;
  readonly #options: HostOptions;
  /** Links that have not joined yet. */
  #pendingLinks = 0;
  readonly #rosterUpdates = new RosterUpdates(
    () => this.#members.keys(),
    (id, payload) => this.#sendControl(id, RosterUpdate.id, payload),
  );
  readonly #quarantine: Quarantine;

  constructor(options: HostOptions) {
    super(options, options.streamPolicy);
    this.#options = options;
    this.selfId = options.participantId ?? randomId(10);
    this.roomName = options.room ?? '';
    this.#rateLimit = options.rateLimit === false ? undefined : { ...defaultRateLimit, ...options.rateLimit };
    for (const type of controlTypes) this.registry.add(type);
    this.#roster = new Roster(options.resumeBufferSize ?? 1000, options.identities);
    this.#quarantine = new Quarantine(options.quarantineMs ?? 60_000, 4096);
    registerSessions(this, (id) => (id === undefined ? undefined : this.#members.get(id)?.session));
  }

  /** Everyone who has joined, with the tokens that let them rejoin: persist it to survive a host restart. */
  identities(): IdentityRecord[] {
    return this.#roster.identities();
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
    // Checked before a link negotiates, so turning a peer away costs no handshake.
    const accept = (remoteId: string): boolean => !this.#quarantine.has(remoteId) && this.#pendingLinks < (this.#options.maxPendingLinks ?? 32);
    this.transport.listen({ lanes: this.lanes, accept }, (link) => this.#accept(link));
    this.setState('open');
    this.emit('participants', this.participants);
    return this;
  }

  /** A connected member's link: its transport id, lanes and counters. */
  link(participantId: string): LinkInfo | undefined {
    return linkInfo(this.#members.get(participantId)?.session);
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

  /**
   * Disconnects a participant and keeps it out: its id and its resume token are refused with `removed` until
   * `readmit` (persisted by `identities()`). The member is told why, so its UI can say so.
   */
  remove(participantId: string, reason = 'removed'): void {
    const slot = this.#members.get(participantId);
    const known =
      this.#roster.get(participantId) ??
      this.#roster.create({ id: participantId, name: '', role: 'member', joinedAt: Date.now(), metadata: {} }, '', '');
    known.removed = reason;
    this.#roster.set(participantId, known);
    known.outgoing.clear();
    const error = new BeckonError('delivery-failed', `${participantId} was removed`, { peer: participantId });
    for (const resolve of known.waiting.splice(0)) resolve({ ok: false, seq: 0, error });
    if (slot && slot.removedReason === undefined) {
      slot.removedReason = reason;
      this.#tellRefused(slot.session, 'removed', reason);
    }
  }

  /** Removal for flooding: the participant, and its transport id for a while, so it cannot even make the host negotiate. */
  #removeFlooder(slot: MemberSlot): void {
    this.#quarantine.add(slot.session.peer);
    this.remove(slot.participant.id, 'removed: too many refused messages');
  }

  /** Lets a removed participant join again. */
  readmit(participantId: string): void {
    const known = this.#roster.get(participantId);
    if (known) known.removed = undefined;
  }

  async close(): Promise<void> {
    if (this.connectionState === 'closed') return;
    this.setState('closed');
    this.#rosterUpdates.stop();
    this.streams.close();
    for (const slot of this.#members.values()) slot.session.close('host closed');
    this.#members.clear();
    await this.transport.close();
  }

  protected streamRoute(to: string | undefined): { hop: string; to: string } {
    if (to === undefined || to === '' || to === this.selfId) throw new BeckonError('policy-violation', 'A stream from the host needs a member as `to`');
    return { hop: to, to };
  }

  #recipients(except: string): string[] {
    return broadcastRecipients(this.#roster, (id) => this.#members.has(id), except, this.#options.resumeGraceMs ?? 60_000);
  }

  #sendFrame(frame: Frame, lane: LaneName, recipients: readonly string[]): Delivery {
    // Members learn of a participant before they hear anything about them.
    this.#rosterUpdates.flush();
    const config = this.lanes.find((candidate) => candidate.name === lane);
    const tracked = config !== undefined && isReliable(config);
    return fanOut(frame, lane, tracked, recipients, this.#roster, (id) => this.#members.get(id)?.session, (error) => this.reportError(error));
  }

  #accept(link: Link): void {
    if (this.connectionState === 'closed') return link.close();
    // Strangers cost memory until they join: only so many may be waiting at once.
    const maxPending = this.#options.maxPendingLinks ?? 32;
    if (this.#pendingLinks >= maxPending) {
      this.reportError(new BeckonError('rate-limited', `${maxPending} links are already waiting to join; ${link.remoteId} was turned away`, { peer: link.remoteId }));
      return link.close();
    }
    this.#pendingLinks++;
    let pending = true;
    const settlePending = (): void => {
      if (pending) this.#pendingLinks--;
      pending = false;
    };
    const session = new PeerSession(link, this.options.session);
    let participantId: string | undefined;
    const joinTimer = setTimeout(() => {
      if (participantId === undefined) session.close('join timeout');
    }, this.#options.joinTimeoutMs ?? 10_000);
    const gate = new AdmissionGate(session, {
      credentials: this.#options.credentials,
      localId: this.transport.localId,
      refuse: (code, message) => this.#refuseLink(session, code, message),
      report: (error) => this.reportError(error),
      join: (join, nonce) => this.#join(session, join, nonce),
      joined: (id) => {
        participantId = id;
        clearTimeout(joinTimer);
        settlePending();
      },
    });
    session.setReceivePolicy(gate.receivePolicy());
    this.forwardSessionEvents(session, () => participantId ?? link.remoteId);
    session.events.on('frame', ({ frame, lane, refuse }) => {
      if (participantId === undefined) return gate.receive(frame);
      const slot = this.#members.get(participantId);
      if (slot?.session === session) this.#fromMember(slot, frame, lane, refuse);
    });
    session.events.on('error', (error) => {
      // A joined member's refused frames (bad chunks, ...) count against it like refused messages do.
      const slot = participantId === undefined ? undefined : this.#members.get(participantId);
      if (slot?.session === session && error.code !== 'lane-error' && slot.budget.strike()) this.#removeFlooder(slot);
    });
    session.events.on('closed', ({ reason }) => {
      if (participantId === undefined && reason === tooManyFramesBeforeJoin) this.#quarantine.add(link.remoteId);
      settlePending();
      clearTimeout(joinTimer);
      if (participantId !== undefined) this.#disconnected(participantId, session, reason);
    });
    session.start();
  }

  /** Admits a member; resolves to its participant id, or undefined when refused. */
  async #join(session: PeerSession, join: Join, nonce: Uint8Array): Promise<string | undefined> {
    const refuse = (code: string, message: string): undefined => {
      this.#refuseLink(session, code, message);
      return undefined;
    };
    const admission = await admitJoin(join, session.peer, nonce, {
      selfId: this.selfId,
      localId: this.transport.localId,
      credentials: this.#options.credentials,
      admit: this.#options.admit,
      known: (id) => this.#roster.get(id),
      removal: (id, token) => this.#roster.removal(id, token),
    });
    if (!admission.ok) return session.closed ? undefined : refuse(admission.code, admission.message);
    if (session.closed || this.connectionState === 'closed') return undefined;
    const { request, known } = admission;
    const id = request.participantId;
    // Checked again: another link may have claimed the identity while the proofs were computed.
    if (this.#roster.get(id) !== known) return refuse('identity-taken', `Participant ${id} joined meanwhile from another connection`);

    const rejoined = known !== undefined;
    const participant: Participant = known
      ? { ...known.participant, name: request.name || known.participant.name, metadata: request.metadata }
      : { id, name: request.name || 'Guest', role: request.role, joinedAt: Date.now(), metadata: request.metadata };
    const record: Known = known ?? this.#roster.create(participant, join.resumeToken, join.epoch);
    record.participant = participant;
    record.goneAt = undefined;
    // A reload: the member's message ids start again.
    record.incoming.restart(join.epoch);
    this.#roster.set(id, record);
    const previous = this.#members.get(id);
    const slot: MemberSlot = { participant, session, budget: new Budget(this.#rateLimit), removedReason: undefined };
    this.#members.set(id, slot);
    session.setReceivePolicy(this.#memberPolicy(slot));
    this.streams.attach(id, session);
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

    // The roster comes encoded per participant (copied, not re-encoded, for every newcomer), after the rest of the Welcome.
    const welcome = welcomeMessage(this.roomName, participant, [], this.#retained.values(), rejoined, this.#epoch, record.incoming.lastId);
    try {
      const roster = this.#rosterUpdates.welcomeRoster(id, this.participants);
      session.send({ type: Welcome.id, payload: concat([Welcome.encode(welcome), roster]) }, 'reliable');
      // What the member missed while away, in order; it drops any it already has.
      const resumeFrom = join.resumeEpoch === this.#epoch ? join.resumeId : Number.POSITIVE_INFINITY;
      for (const kept of record.outgoing.pending(resumeFrom)) {
        session.send(kept, 'reliable').settlement.onSettled((result) => {
          if (result.ok) record.outgoing.acknowledge(kept.id);
        });
      }
      for (const resolve of record.waiting.splice(0)) resolve({ ok: true, seq: 0, at: now() });
    } catch (error) {
      if (error instanceof BeckonError) this.reportError(error.withPeer(id));
    }
    this.#rosterUpdates.joined(participant, rejoined);
    this.emit('join', { participant, rejoined });
    this.emit('participants', this.participants);
    return id;
  }

  #memberPolicy(slot: MemberSlot): ReceivePolicy {
    const maxPayload = this.#options.maxPayloadBytes || defaultMaxPayloadBytes;
    return memberReceivePolicy(
      slot.budget,
      (typeId) => {
        const type = this.registry.get(typeId);
        return type && !controlTypes.includes(type) ? type.maxBytes || maxPayload : 0;
      },
      () => this.#removeFlooder(slot),
    );
  }

  #refuseLink(session: PeerSession, code: string, message: string): void {
    this.reportError(new BeckonError('refused', `Refused ${session.peer}: ${message}`, { peer: session.peer }));
    this.#tellRefused(session, code, message);
  }

  /** Tells a peer why it is refused, then closes its link once the answer had time to leave. */
  #tellRefused(session: PeerSession, code: string, message: string): void {
    try {
      session.send({ type: Refused.id, payload: Refused.encode({ code, message }) }, 'reliable', false);
    } catch {
      // Already gone.
    }
    setTimeout(() => session.close(code === 'removed' ? message : 'refused'), 200);
  }

  /** Handles a member's frame; whatever is not accepted goes to `refuse`, so the sender's delivery says so. */
  #fromMember(slot: MemberSlot, frame: Frame, lane: LaneName, refuse: (error: BeckonError) => void): void {
    const from = slot.participant.id;
    // Removed: its link closes in a moment, and nothing it sends meanwhile counts.
    if (slot.removedReason !== undefined) return refuse(new BeckonError('removed', `${from} was removed`, { peer: from }));
    if (frame.type === Leave.id) {
      slot.session.close('left');
      return;
    }
    // Byte streams have budgets of their own: the credit this side grants bounds their chunks.
    if (isStreamFrame(frame)) {
      return this.streams.receive(from, frame, {
        take: () => slot.budget.take(),
        strike: () => {
          if (slot.budget.strike()) this.#removeFlooder(slot);
        },
      });
    }
    if (!slot.budget.take()) {
      const error = new BeckonError('rate-limited', `${from} is sending faster than ${slot.budget.perSecond}/s; frame dropped`, { peer: from, lane });
      refuse(error);
      this.#refuseFrame(slot, frame, error);
      return;
    }
    const known = this.#roster.get(from);
    // A message re-sent after a reconnect that already arrived before it: not delivered twice, and given the verdict
    // the first copy got (its ack may be what was lost).
    if (known && !known.incoming.accept(frame.id)) {
      const earlier = known.incoming.refusal(frame.id);
      if (earlier) refuse(earlier);
      return;
    }
    // From here on a refusal is remembered with the message's id.
    const refuseAccepted = (error: BeckonError): void => {
      refuse(error);
      known?.incoming.refused(frame.id, error);
    };
    const type = this.registry.get(frame.type);
    const refusal = checkMemberFrame(type, frame, from, lane, slot.budget, {
      selfId: this.selfId,
      maxPayloadBytes: this.#options.maxPayloadBytes || defaultMaxPayloadBytes,
      isMember: (id) => this.#members.has(id),
    });
    if (refusal || !type) {
      if (refusal) {
        refuseAccepted(refusal);
        this.#refuseFrame(slot, frame, refusal);
      }
      return;
    }
    const to = frame.to;
    // Stamp the sender: whatever a member put in `from` is replaced.
    const stamped: Frame = { type: frame.type, payload: frame.payload, seq: 0, sentAt: frame.sentAt, from, to, id: 0 };
    if (to === '' || to === this.selfId) {
      let rejected = false;
      const reject = (reason: string): void => {
        rejected = true;
        refuseAccepted(new BeckonError('rejected', cleanText(reason, 200) || 'rejected by the host', { peer: from, messageType: type.name, lane }));
      };
      if (!this.deliverLocal(stamped, lane, from, false, reject)) return refuseAccepted(new BeckonError('malformed-frame', `${type.name} from ${from} could not be read`, { peer: from }));
      // The host's app said no: the message goes no further.
      if (rejected) return;
    } else if (!decodes(type, stamped.payload)) {
      const error = new BeckonError('malformed-frame', `Malformed ${type.name} from ${from}`, { peer: from, messageType: type.name, lane });
      this.reportError(error);
      return refuseAccepted(error);
    }
    if (type.policy === 'member-to-everyone' && to !== this.selfId) {
      const recipients = to === '' ? this.#recipients(from) : [to];
      this.#sendFrame(stamped, lane, recipients);
    }
  }



  /** Reports a refused frame, tells the sender why (at most once a second), and removes persistent abusers. */
  #refuseFrame(slot: MemberSlot, frame: Frame, error: BeckonError): void {
    this.reportError(error);
    if (slot.budget.strike()) {
      this.#removeFlooder(slot);
      return;
    }
    if (!slot.budget.shouldTell()) return;
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

  #sendControl(id: string, type: number, payload: Uint8Array): void {
    try {
      this.#members.get(id)?.session.send({ type, payload }, 'reliable', false);
    } catch (error) {
      if (error instanceof BeckonError) this.reportError(error.withPeer(id));
    }
  }

  #disconnected(id: string, session: PeerSession, reason: string): void {
    const slot = this.#members.get(id);
    if (!slot || slot.session !== session) return;
    this.#members.delete(id);
    this.streams.detach(id, session, reason);
    const known = this.#roster.get(id);
    if (known) known.goneAt = now();
    const participant = this.participantMap.get(id);
    this.participantMap.delete(id);
    if (!participant || this.connectionState === 'closed') return;
    const why = slot.removedReason ?? reason;
    this.#rosterUpdates.left(id, why);
    this.emit('leave', { participant, reason: why });
    this.emit('participants', this.participants);
  }
}

/** Hosts a room on `transport`: `hostRoom({...})` is listening and ready. */
export function hostRoom(options: HostOptions): HostRoom {
  return new HostRoom(options).open();
}
