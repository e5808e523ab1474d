import { Emitter, randomId } from '@beckon/core';
import type { BeckonError, ConnectionState, DeliveryResult, HostRoom, MemberRoom, MessageMeta, MessageType, Participant } from '@beckon/core';
import {
  ActionRefused,
  BallotReceipt,
  ChatDeleted,
  ChatHistory,
  ChatPosted,
  HandQueue,
  messageTypes,
  PollState,
  PollStatus,
  PollTally,
  PublishedPolls,
  React,
  Reaction,
  SendChat,
  SetHand,
  Vote,
} from '../gen/classroom.ts';
import type { ChatMessage } from '../gen/classroom.ts';
import {
  callOn,
  chatHistory,
  clearCalledOn,
  closePoll,
  currentPoll,
  deleteChat,
  expirePoll,
  isReactionEmoji,
  logPresence,
  lowerAllHands,
  lowerHand,
  moderateAnswer,
  notePresence,
  openPoll,
  postChat,
  privateChatFor,
  publishPoll,
  raiseHand,
  restoreClassroom,
  vote,
} from '../state/classroom-state.ts';
import type { ClassroomData, Outcome, PollSpec } from '../state/classroom-state.ts';
import { participation } from '../state/report.ts';
import type { ParticipationRow } from '../state/report.ts';
import { toXapi } from '../state/xapi.ts';
import type { XapiOptions, XapiStatement } from '../state/xapi.ts';
import { HostSync } from './host-sync.ts';
import type { SyncPart } from './host-sync.ts';
import { listenAsMember, sendBallot } from './member-side.ts';
import type { BallotStatus, BlockedMessage, ClassroomEvents, ClassroomOptions, ClassroomRole } from './types.ts';
import { Reactions } from './reactions.ts';
import type { ShownReaction } from './reactions.ts';

export { messageTypes as classroomTypes };
export type { BallotStatus, BlockedMessage, ChangeKind, ClassroomEvents, ClassroomOptions, ClassroomRole } from './types.ts';
export type { ShownReaction } from './reactions.ts';


const emptyQueue: HandQueue = { hands: [], calledOn: '', calledOnName: '' };

/**
 * The classroom over a Beckon room, the same API for both ends. On the teacher's page it wraps the HostRoom and
 * owns the state: it applies members' actions and its own commands, and sends what changed (coalesced, and only to
 * whom the results policy lets see it). On a student's page it wraps a MemberRoom: commands become actions sent to
 * the host, answered with the host's verdict, and what the host sends becomes what the components render.
 */
export class Classroom {
  readonly role: ClassroomRole;
  readonly room: HostRoom | MemberRoom;
  readonly events = new Emitter<ClassroomEvents>();
  hands: HandQueue = emptyQueue;
  poll: PollState | undefined;
  /** This participant's ballot in the current poll, as the host recorded it. */
  ballot: BallotReceipt | undefined;
  /** Student: the last ballot sent and the host's verdict on it. */
  ballotStatus: BallotStatus | undefined;
  /** Every poll whose results the teacher published, oldest first. */
  published: PollState[] = [];
  /** Public chat, plus private messages this participant may see. */
  chat: ChatMessage[] = [];
  /** Teacher: the members' messages the room refused, most recent last (at most 50). */
  blocked: BlockedMessage[] = [];
  readonly #data: ClassroomData | undefined;
  readonly #options: ClassroomOptions;
  readonly #now: () => number;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #reactions: Reactions;
  readonly #sync: HostSync | undefined;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(room: HostRoom | MemberRoom, options: ClassroomOptions = {}) {
    this.room = room;
    this.role = room.isHost ? 'teacher' : 'student';
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#reactions = new Reactions(options.reactionTtlMs ?? 4000, (shown) => {
      if (shown) this.events.emit('reaction', shown);
      this.events.emit('change', 'reactions');
    });
    const on = <T extends object>(type: MessageType<T>, handler: (value: T, meta: MessageMeta) => void): void => {
      this.#unsubscribe.push(room.on(type, handler));
    };
    this.#unsubscribe.push(
      room.on('state', () => this.events.emit('change', 'state')),
      room.on('participants', () => this.events.emit('change', 'participants')),
    );
    if (room.isHost) {
      const host = room;
      const data = restoreClassroom(options.storage?.getItem(this.#storageKey) ?? null, this.#now(), options.resumeWithinMs ?? 12 * 3600_000);
      this.#data = data;
      this.#sync = new HostSync({
        host,
        data,
        selfId: () => this.selfId,
        coalesceMs: options.coalesceMs ?? 50,
        saveDelayMs: options.saveDelayMs ?? 250,
        save: () => this.#save(),
        applied: (part) => this.#applyLocal(part),
      });
      // The sender is the id the host stamped on the frame: a member cannot raise or lower anyone's hand but its own.
      on(SetHand, (action, meta) => this.#fromMember('hand', meta, (d, who, now) => (action.raised ? raiseHand(d, who.id, who.name, now) : lowerHand(d, who.id, now))));
      on(Vote, (action, meta) => this.#fromMember('vote', meta, (d, who, now) => vote(d, who.id, who.name, action, now)));
      on(SendChat, (action, meta) => {
        const who = this.#who(meta.from);
        const posted = postChat(data, who, action.text, action.private, this.#now());
        if ('id' in posted) this.#chatPosted(posted);
        else {
          meta.reject(posted.reason);
          this.#tell(who.id, 'chat', posted.reason);
        }
      });
      on(React, (action, meta) => this.#react(this.#who(meta.from), action.emoji));
      this.#unsubscribe.push(
        host.on('join', ({ participant }) => {
          // The roster, not the room's `rejoined`, decides: after the teacher's reload everyone is new to the room.
          if (notePresence(data, participant, this.#now())) logPresence(data, 'joined', participant, this.#now());
          // What is this member's alone: its view of the current poll, its ballot, its private messages.
          this.#sync!.welcome(participant.id);
          for (const message of privateChatFor(data, participant.id)) host.send(ChatPosted, { message }, { to: participant.id });
          this.#sync!.saveSoon();
        }),
        host.on('leave', ({ participant, reason }) => {
          if (reason === 'left') logPresence(data, 'left', participant, this.#now());
          this.#sync!.saveSoon();
        }),
        host.on('error', (error) => this.#blockedFrom(error)),
      );
      this.#sync.publish('hands', 'poll', 'published', 'chat');
      this.#armPollTimer();
    } else {
      this.#unsubscribe.push(...listenAsMember(this, this.#member, on, (id, name, emoji) => this.#reactions.show(id, name, emoji)));
    }
  }

  get isTeacher(): boolean {
    return this.role === 'teacher';
  }

  get selfId(): string {
    return this.room.selfId;
  }

  get state(): ConnectionState {
    return this.room.state;
  }

  get participants(): readonly Participant[] {
    return this.room.participants;
  }

  /** Students (and observers): everyone but the host. */
  get students(): readonly Participant[] {
    return this.room.participants.filter((p) => p.role !== 'host');
  }

  get handRaised(): boolean {
    return this.hands.hands.some((hand) => hand.participantId === this.selfId);
  }

  get reactions(): readonly ShownReaction[] {
    return this.#reactions.shown;
  }

  // ---- Commands anyone may give ----

  setHand(raised: boolean): boolean {
    if (this.#data) return this.#teacher('hand', (data, now) => (raised ? raiseHand(data, this.selfId, this.#selfName, now) : lowerHand(data, this.selfId, now)));
    return this.#send('hand', () => this.#member.send(SetHand, { raised }));
  }

  /**
   * Votes in the current poll. A student's ballot is `sending` until the host's verdict: only then `recorded` (and
   * `ballot` set), or `refused` with the reason. Returns false when it could not even be sent.
   */
  vote(choices: readonly number[], text = ''): boolean {
    const poll = this.poll;
    if (!poll) return this.#refuse('vote', 'no poll');
    if (this.#data) return this.#teacher('vote', (data, now) => vote(data, this.selfId, this.#selfName, { pollId: poll.id, choices, text }, now));
    return sendBallot(this, this.#member, { pollId: poll.id, choices: [...choices], text });
  }

  react(emoji: string): boolean {
    if (!isReactionEmoji(emoji)) return this.#refuse('react', 'not a reaction');
    if (this.#data) {
      this.#react({ id: this.selfId, name: this.#selfName }, emoji);
      return true;
    }
    return this.#send('react', () => this.#member.send(React, { emoji }));
  }

  /** Sends a chat message: public; a student's private one to the teacher; or the teacher's private reply (`to`). */
  sendChat(text: string, options: { private?: boolean; to?: string } = {}): boolean {
    if (this.#data) {
      const to = options.to ? this.#who(options.to) : undefined;
      if (to && !this.#data.roster[to.id]) return this.#refuse('chat', 'no such student');
      const posted = postChat(this.#data, this.#teacherRef, text, false, this.#now(), to);
      if (!('id' in posted)) return this.#refuse('chat', posted.reason);
      this.#chatPosted(posted);
      return true;
    }
    return this.#send('chat', () => this.#member.send(SendChat, { text, private: options.private === true }));
  }

  // ---- Teacher commands ----

  lowerHandOf(participantId: string): boolean {
    return this.#teacher('lower-hand', (data, now) => lowerHand(data, participantId, now, this.#teacherRef));
  }

  lowerAllHands(): boolean {
    return this.#teacher('lower-all', (data, now) => lowerAllHands(data, now, this.#teacherRef));
  }

  callOn(participantId: string): boolean {
    return this.#teacher('call-on', (data, now) => callOn(data, participantId, now, this.#teacherRef));
  }

  clearCalledOn(): boolean {
    return this.#teacher('clear-called-on', (data) => clearCalledOn(data));
  }

  openPoll(spec: PollSpec): boolean {
    const done = this.#teacher('open-poll', (data, now) => openPoll(data, spec, randomId(8), now));
    if (done) this.#armPollTimer();
    return done;
  }

  closePoll(): boolean {
    return this.#teacher('close-poll', (data, now) => closePoll(data, now));
  }

  publishPoll(): boolean {
    return this.#teacher('publish-poll', (data, now) => publishPoll(data, now));
  }

  /** Teacher: lets a student's free-text answer be seen by the class, or hides it again. */
  moderateAnswer(participantId: string, approve: boolean): boolean {
    const poll = this.poll;
    if (!poll) return this.#refuse('moderate', 'no poll');
    return this.#teacher('moderate-poll', (data) => moderateAnswer(data, poll.id, participantId, approve));
  }

  /** Teacher: deletes a chat message for everyone who saw it. */
  deleteChat(messageId: string): boolean {
    const data = this.#data;
    if (!data) return this.#refuse('delete', 'only the teacher can do that');
    const deleted = deleteChat(data, messageId, this.#now(), this.#teacherRef);
    if (!('id' in deleted)) return this.#refuse('delete', deleted.reason);
    const to = deleted.private ? [deleted.fromId, deleted.toId].filter((id) => id !== '' && id !== this.selfId) : undefined;
    this.#host.send(ChatDeleted, { id: messageId }, to ? { to } : {});
    this.#sync!.publish('chat');
    return true;
  }

  /** Teacher: the free-text answers of the current poll, with who wrote them (unless anonymous) and whether approved. */
  get answers(): readonly { readonly participantId: string; readonly name: string; readonly text: string; readonly approved: boolean }[] {
    const poll = this.#data && currentPoll(this.#data);
    if (!poll || poll.kind !== 'free-text') return [];
    return Object.entries(poll.ballots)
      .filter(([, ballot]) => ballot.text !== '')
      .map(([id, ballot]) => ({ participantId: id, name: poll.anonymous ? '' : ballot.name, text: ballot.text, approved: poll.approved[id] === true }))
      .sort((a, b) => a.text.localeCompare(b.text));
  }

  /** Who has not answered the current poll (teacher, non-anonymous polls): students present without a ballot. */
  get notAnswered(): readonly Participant[] {
    const poll = this.poll;
    if (!poll || poll.anonymous || !this.#data) return [];
    const answered = new Set(poll.answered);
    return this.students.filter((p) => !answered.has(p.id));
  }

  /** Teacher: participation per student (joined, hands, answers, correctness), for the lesson report. */
  report(): ParticipationRow[] {
    if (!this.#data) throw new Error('Only the teacher has the lesson report');
    return participation(this.#data, new Set(this.students.map((p) => p.id)));
  }

  /** The session as xAPI statements (teacher only), with the teacher as the actor of what the teacher did. */
  exportXapi(options: Omit<XapiOptions, 'teacher'> & { teacher?: XapiOptions['teacher'] }): XapiStatement[] {
    if (!this.#data) throw new Error('Only the teacher can export the session');
    return toXapi(this.#data, { teacher: this.#teacherRef, ...options });
  }

  /** The raw classroom state (teacher only), for tests and tools. */
  get data(): Readonly<ClassroomData> | undefined {
    return this.#data;
  }

  /** Teacher: sends what is pending and saves now (before the page goes away). */
  flush(): void {
    this.#sync?.flushAll();
  }

  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#sync?.flushAll();
    this.#sync?.dispose();
    this.#reactions.dispose();
    clearTimeout(this.#pollTimer);
    this.events.clear();
  }

  // ---- Internals ----

  get #member(): MemberRoom {
    return this.room as MemberRoom;
  }

  get #host(): HostRoom {
    return this.room as HostRoom;
  }

  get #selfName(): string {
    return this.room.participant(this.selfId)?.name ?? (this.isTeacher ? 'Teacher' : 'Student');
  }

  get #teacherRef(): { id: string; name: string } {
    return { id: this.selfId, name: this.#selfName };
  }

  get #storageKey(): string {
    return this.#options.storageKey ?? `beckon:classroom:${(this.room as HostRoom).roomName}`;
  }

  #who(id: string): { id: string; name: string } {
    return { id, name: this.room.participant(id)?.name ?? this.#data?.roster[id]?.name ?? 'Someone' };
  }

  #refuse(command: string, reason: string): false {
    this.events.emit('refused', { command, reason });
    return false;
  }

  #send(command: string, send: () => unknown): boolean {
    try {
      send();
      return true;
    } catch (error) {
      return this.#refuse(command, error instanceof Error ? error.message : String(error));
    }
  }

  /** Applies a teacher command to the state and sends what changed at once. */
  #teacher(command: string, apply: (data: ClassroomData, now: number) => Outcome): boolean {
    if (!this.#data) return this.#refuse(command, 'only the teacher can do that');
    const outcome = apply(this.#data, this.#now());
    if (!outcome.ok) return this.#refuse(command, outcome.reason);
    if (outcome.unchanged) return true;
    if (command === 'vote') this.#sync!.mark('tally');
    else if (command === 'moderate-poll') this.#sync!.publish('tally');
    else if (command.endsWith('-poll')) this.#sync!.publish('poll', 'published');
    else this.#sync!.publish('hands');
    return true;
  }

  #fromMember(command: 'hand' | 'vote', meta: MessageMeta, apply: (data: ClassroomData, who: { id: string; name: string }, now: number) => Outcome): void {
    const who = this.#who(meta.from);
    const outcome = apply(this.#data!, who, this.#now());
    if (!outcome.ok) {
      // Raising a raised hand is no news.
      if (outcome.reason === 'already raised' || outcome.reason === 'hand not raised') return;
      // The verdict travels back with the acknowledgement: the member's request fails with this reason.
      meta.reject(outcome.reason);
      if (command === 'hand') this.#tell(who.id, command, outcome.reason);
      return;
    }
    // An accepted ballot's verdict is its receipt (the member's request resolves with it); the host's record of a
    // ballot goes to a member only when it rejoins.
    if (command === 'vote') {
      if (!outcome.unchanged) this.#sync!.mark('tally');
    } else if (!outcome.unchanged) this.#sync!.mark('hands');
  }

  /** Teacher: this page's own view of a part that was just sent. */
  #applyLocal(part: SyncPart): void {
    const sync = this.#sync!;
    if (part === 'hands') this.hands = sync.hands;
    else if (part === 'poll' || part === 'tally') {
      this.poll = sync.teacherPoll;
      const poll = currentPoll(this.#data!);
      this.ballot = poll && { pollId: poll.id, choices: poll.ballots[this.selfId]?.choices ?? [], text: poll.ballots[this.selfId]?.text ?? '' };
      part = 'poll';
    } else if (part === 'published') this.published = sync.published;
    else this.chat = [...this.#data!.chat];
    this.events.emit('change', part);
  }

  /** Teacher: tells a member why its action was not applied. */
  #tell(participantId: string, action: string, reason: string): void {
    try {
      this.#host.send(ActionRefused, { action, reason }, { to: participantId });
    } catch {
      // The member is gone; nothing to tell.
    }
  }

  /** Teacher: keeps and announces a member's message the room refused. */
  #blockedFrom(error: BeckonError): void {
    if (!['policy-violation', 'rate-limited', 'oversized', 'unknown-type', 'malformed-frame'].includes(error.code)) return;
    const participantId = error.peer ?? '';
    const participant = this.room.participant(participantId);
    if (!participant || participant.role === 'host') return;
    const blocked: BlockedMessage = { participantId, name: participant.name, code: error.code, message: error.message, at: this.#now() };
    this.blocked = [...this.blocked.slice(-49), blocked];
    this.events.emit('blocked', blocked);
  }

  #chatPosted(message: ChatMessage): void {
    if (message.private) {
      const to = [message.fromId, message.toId].filter((id) => id !== '' && id !== this.selfId);
      if (to.length > 0) this.#host.send(ChatPosted, { message }, { to });
      this.chat = [...this.#data!.chat];
      this.events.emit('change', 'chat');
    } else {
      this.#host.send(ChatPosted, { message });
      this.#sync!.publish('chat');
    }
    this.events.emit('chat', message);
    this.#sync!.saveSoon();
  }

  #react(who: { id: string; name: string }, emoji: string): void {
    if (!isReactionEmoji(emoji)) return;
    const now = this.#now();
    this.#data!.log.push({ verb: 'reacted', at: now, actorId: who.id, actorName: who.name, detail: emoji });
    this.#host.send(Reaction, { participantId: who.id, name: who.name, emoji, at: now });
    this.#reactions.show(who.id, who.name, emoji);
  }

  #armPollTimer(): void {
    clearTimeout(this.#pollTimer);
    const poll = this.#data && currentPoll(this.#data);
    if (!poll || poll.status !== 'open' || poll.closesAt === 0) return;
    this.#pollTimer = setTimeout(() => {
      if (expirePoll(this.#data!, this.#now()).ok) this.#sync!.publish('poll');
      else this.#armPollTimer();
    }, Math.max(0, poll.closesAt - this.#now()) + 5);
  }

  #save(): void {
    try {
      this.#data!.savedAt = this.#now();
      this.#options.storage?.setItem(this.#storageKey, JSON.stringify(this.#data));
    } catch {
      // Storage full or unavailable: the class goes on; only a teacher reload would lose state.
    }
  }
}
