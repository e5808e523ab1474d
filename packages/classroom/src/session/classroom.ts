import { Emitter, randomId } from '@beckon/core';
import type { BeckonError, ConnectionState, HostRoom, MemberRoom, MessageMeta, MessageType, Participant } from '@beckon/core';
import {
  ActionRefused,
  BallotReceipt,
  ChatHistory,
  ChatPosted,
  HandQueue,
  messageTypes,
  PollState,
  PollStatus,
  React,
  Reaction,
  SendChat,
  SetHand,
  Vote,
} from '../gen/classroom.ts';
import type { ChatMessage } from '../gen/classroom.ts';
import {
  ballotReceipt,
  callOn,
  chatHistory,
  clearCalledOn,
  closePoll,
  currentPoll,
  expirePoll,
  handQueue,
  isReactionEmoji,
  logPresence,
  lowerAllHands,
  lowerHand,
  notePresence,
  openPoll,
  memberPollState,
  pollState,
  postChat,
  publishPoll,
  raiseHand,
  restoreClassroom,
  vote,
} from '../state/classroom-state.ts';
import type { ClassroomData, Outcome, PollSpec } from '../state/classroom-state.ts';
import { toXapi } from '../state/xapi.ts';
import type { XapiOptions, XapiStatement } from '../state/xapi.ts';

export { messageTypes as classroomTypes };

export type ClassroomRole = 'teacher' | 'student';

/** A reaction on screen: it expires `reactionTtlMs` after it arrived. */
export interface ShownReaction {
  readonly key: number;
  readonly participantId: string;
  readonly name: string;
  readonly emoji: string;
  readonly expiresAt: number;
}

export interface ClassroomEvents {
  /** Something the components render changed. */
  change: ChangeKind;
  reaction: ShownReaction;
  chat: ChatMessage;
  /** A command this participant gave was refused (by the host's rules, or because the room is not connected). */
  refused: { readonly command: string; readonly reason: string };
  /** Teacher: the room refused a member's message (a forged teacher action, a flood, an oversized message). */
  blocked: BlockedMessage;
}

/** A member's message the room refused, as the teacher sees it. */
export interface BlockedMessage {
  readonly participantId: string;
  readonly name: string;
  /** `policy-violation`, `rate-limited`, `oversized`, … */
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

export type ChangeKind = 'state' | 'participants' | 'hands' | 'poll' | 'ballot' | 'chat' | 'reactions';

export interface ClassroomOptions {
  /** Teacher only: where the classroom state survives a reload of the teacher's page (`openIdbStorage()` in a browser). */
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** Storage key; default `beckon:classroom:<room name>`. */
  readonly storageKey?: string;
  /** Teacher only: stored state older than this is not resumed (a new class starts). Default 12 hours. */
  readonly resumeWithinMs?: number;
  readonly reactionTtlMs?: number;
  /** Clock for the host's timestamps; tests pass a fake. */
  readonly now?: () => number;
}

const emptyQueue: HandQueue = { hands: [], calledOn: '', calledOnName: '' };

/**
 * The classroom over a Beckon room, the same API for both ends. On the teacher's page it wraps the HostRoom and
 * owns the state: it applies members' actions, its own commands, and broadcasts snapshots (retained, so late
 * joiners and reloads see the room as it is). On a student's page it wraps a MemberRoom: commands become actions
 * sent to the host, and the snapshots the host broadcasts become what the components render.
 */
export class Classroom {
  readonly role: ClassroomRole;
  readonly room: HostRoom | MemberRoom;
  readonly events = new Emitter<ClassroomEvents>();
  hands: HandQueue = emptyQueue;
  poll: PollState | undefined;
  /** This participant's ballot in the current poll, as the host recorded it. */
  ballot: BallotReceipt | undefined;
  /** Public chat, plus private messages this participant may see. */
  chat: ChatMessage[] = [];
  reactions: ShownReaction[] = [];
  /** Teacher: the members' messages the room refused, most recent last (at most 50). */
  blocked: BlockedMessage[] = [];
  readonly #data: ClassroomData | undefined;
  readonly #options: ClassroomOptions;
  readonly #now: () => number;
  readonly #unsubscribe: (() => void)[] = [];
  #reactionKey = 0;
  #reactionTimer: ReturnType<typeof setTimeout> | undefined;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(room: HostRoom | MemberRoom, options: ClassroomOptions = {}) {
    this.room = room;
    this.role = room.isHost ? 'teacher' : 'student';
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const on = <T extends object>(type: MessageType<T>, handler: (value: T, meta: MessageMeta) => void): void => {
      this.#unsubscribe.push(room.on(type, handler));
    };
    this.#unsubscribe.push(
      room.on('state', () => this.events.emit('change', 'state')),
      room.on('participants', () => this.events.emit('change', 'participants')),
    );
    if (room.isHost) {
      const host = room;
      this.#data = restoreClassroom(options.storage?.getItem(this.#storageKey) ?? null, this.#now(), options.resumeWithinMs ?? 12 * 3600_000);
      // The sender is the id the host stamped on the frame: a member cannot raise or lower anyone's hand but its own.
      on(SetHand, (action, meta) => this.#fromMember('hand', meta, (data, who, now) => (action.raised ? raiseHand(data, who.id, who.name, now) : lowerHand(data, who.id, now))));
      on(Vote, (action, meta) => this.#fromMember('vote', meta, (data, who, now) => vote(data, who.id, who.name, action, now)));
      on(SendChat, (action, meta) => {
        const who = this.#who(meta.from);
        const posted = postChat(this.#data!, who, action.text, action.private, this.#now());
        if ('id' in posted) this.#chatPosted(posted, who);
        else this.#tell(who.id, 'chat', posted.reason);
      });
      on(React, (action, meta) => this.#react(this.#who(meta.from), action.emoji));
      this.#unsubscribe.push(
        host.on('join', ({ participant }) => {
          // The roster, not the room's `rejoined`, decides: after the teacher's reload everyone is new to the room.
          if (notePresence(this.#data!, participant, this.#now())) logPresence(this.#data!, 'joined', participant, this.#now());
          // A rejoining student gets its own ballot back (ballots are never broadcast).
          const poll = currentPoll(this.#data!);
          if (poll?.ballots[participant.id]) host.send(BallotReceipt, ballotReceipt(poll, participant.id), { to: participant.id });
          this.#save();
        }),
        host.on('leave', ({ participant, reason }) => {
          if (reason === 'left') logPresence(this.#data!, 'left', participant, this.#now());
          this.#save();
        }),
        host.on('error', (error) => this.#blockedFrom(error)),
      );
      this.#publish('hands', 'poll', 'chat');
      this.#armPollTimer();
    } else {
      on(HandQueue, (queue) => {
        this.hands = queue;
        this.events.emit('change', 'hands');
      });
      on(PollState, (poll) => {
        if (this.ballot && this.ballot.pollId !== poll.id) this.ballot = undefined;
        this.poll = poll;
        this.events.emit('change', 'poll');
      });
      on(BallotReceipt, (receipt) => {
        this.ballot = receipt;
        this.events.emit('change', 'ballot');
      });
      on(ActionRefused, ({ action, reason }) => this.#refuse(action, reason));
      const member = room as MemberRoom;
      let wasAway = false;
      this.#unsubscribe.push(
        member.on('state', (next) => {
          if (next === 'reconnecting') wasAway = true;
          if (next !== 'open' || !wasAway) return;
          wasAway = false;
          // Back after a drop or the teacher's reload: the retained state is replayed right after 'open'.
          setTimeout(() => this.#confirmBallot(), 0);
        }),
        member.on('error', (error) => {
          if (error.code === 'rate-limited') this.#refuse('send', 'You are sending too fast: wait a moment, then try again.');
          else if (error.code === 'policy-violation' || error.code === 'oversized') this.#refuse('send', error.message);
        }),
      );
      on(ChatHistory, (history) => {
        const mine = this.chat.filter((message) => message.private);
        this.chat = mergeChat(history.messages, mine);
        this.events.emit('change', 'chat');
      });
      on(ChatPosted, ({ message }) => {
        if (!message || this.chat.some((m) => m.id === message.id)) return;
        this.chat = [...this.chat, message];
        this.events.emit('chat', message);
        this.events.emit('change', 'chat');
      });
      on(Reaction, (reaction) => this.#showReaction(reaction.participantId, reaction.name, reaction.emoji));
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

  // ---- Commands anyone may give ----

  setHand(raised: boolean): boolean {
    if (this.#data) return this.#teacher('hand', (data, now) => (raised ? raiseHand(data, this.selfId, this.#selfName, now) : lowerHand(data, this.selfId, now)));
    return this.#send('hand', () => this.#member.send(SetHand, { raised }));
  }

  vote(choices: readonly number[], text = ''): boolean {
    const poll = this.poll;
    if (!poll) return this.#refuse('vote', 'no poll');
    if (this.#data) return this.#teacher('vote', (data, now) => vote(data, this.selfId, this.#selfName, { pollId: poll.id, choices, text }, now));
    const sent = this.#send('vote', () => this.#member.send(Vote, { pollId: poll.id, choices: [...choices], text }));
    // Shown at once; the host's receipt replaces it.
    if (sent) {
      this.ballot = { pollId: poll.id, choices: [...choices], text };
      this.events.emit('change', 'ballot');
    }
    return sent;
  }

  react(emoji: string): boolean {
    if (!isReactionEmoji(emoji)) return this.#refuse('react', 'not a reaction');
    if (this.#data) {
      this.#react({ id: this.selfId, name: this.#selfName }, emoji);
      return true;
    }
    return this.#send('react', () => this.#member.send(React, { emoji }));
  }

  sendChat(text: string, options: { private?: boolean } = {}): boolean {
    if (this.#data) {
      const who = { id: this.selfId, name: this.#selfName };
      const posted = postChat(this.#data, who, text, false, this.#now());
      if (!('id' in posted)) return this.#refuse('chat', posted.reason);
      this.#chatPosted(posted, who);
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

  /** Who has not answered the current poll (teacher, non-anonymous polls): students present without a ballot. */
  get notAnswered(): readonly Participant[] {
    const poll = this.poll;
    if (!poll || poll.anonymous) return [];
    const answered = new Set(poll.answered);
    return this.students.filter((p) => !answered.has(p.id));
  }

  /** The session as xAPI statements (teacher only). Anonymous ballots are not in it. */
  exportXapi(options: XapiOptions): XapiStatement[] {
    if (!this.#data) throw new Error('Only the teacher can export the session');
    return toXapi(this.#data, options);
  }

  /** The raw classroom state (teacher only), for tests and tools. */
  get data(): Readonly<ClassroomData> | undefined {
    return this.#data;
  }

  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    clearTimeout(this.#reactionTimer);
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
    return { id, name: this.room.participant(id)?.name ?? 'Someone' };
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

  /** Applies a teacher command to the state and broadcasts what changed. */
  #teacher(command: string, apply: (data: ClassroomData, now: number) => Outcome): boolean {
    if (!this.#data) return this.#refuse(command, 'only the teacher can do that');
    const outcome = apply(this.#data, this.#now());
    if (!outcome.ok) return this.#refuse(command, outcome.reason);
    this.#afterChange(command);
    return true;
  }

  #fromMember(command: 'hand' | 'vote', meta: MessageMeta, apply: (data: ClassroomData, who: { id: string; name: string }, now: number) => Outcome): void {
    const who = this.#who(meta.from);
    const outcome = apply(this.#data!, who, this.#now());
    if (!outcome.ok) {
      // The verdict travels back with the acknowledgement: the member's delivery fails with this reason.
      if (outcome.reason !== 'already raised' && outcome.reason !== 'hand not raised') meta.reject(outcome.reason);
      // Raising a raised hand is no news; anything else the member is told.
      if (outcome.reason !== 'already raised' && outcome.reason !== 'hand not raised') this.#tell(who.id, command, outcome.reason);
      return;
    }
    if (!outcome.unchanged) this.#afterChange(command);
    if (command === 'vote') {
      const poll = currentPoll(this.#data!);
      if (poll) this.#host.send(BallotReceipt, ballotReceipt(poll, who.id), { to: who.id });
    }
  }

  #afterChange(command: string): void {
    if (command === 'vote' || command.endsWith('-poll')) this.#publish('poll');
    else this.#publish('hands');
    if (command === 'vote') {
      const poll = currentPoll(this.#data!);
      if (poll) {
        this.ballot = ballotReceipt(poll, this.selfId);
        this.events.emit('change', 'ballot');
      }
    }
  }

  /** Broadcasts (and retains) the snapshots named, updates this page's own view, and saves the state. */
  #publish(...parts: ('hands' | 'poll' | 'chat')[]): void {
    const data = this.#data!;
    const host = this.#host;
    for (const part of parts) {
      if (part === 'hands') {
        this.hands = handQueue(data);
        host.send(HandQueue, this.hands, { retain: 'classroom.hands' });
      } else if (part === 'poll') {
        const poll = currentPoll(data);
        this.poll = poll && pollState(poll);
        if (poll) host.send(PollState, memberPollState(poll), { retain: 'classroom.poll' });
        this.ballot = poll && ballotReceipt(poll, this.selfId);
      } else {
        this.chat = [...data.chat];
        host.retain('classroom.chat', ChatHistory, { messages: chatHistory(data) });
      }
      this.events.emit('change', part);
    }
    this.#save();
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

  /**
   * Student, back after a drop or the teacher's reload: the ballot this page last sent or was confirmed goes again.
   * Votes replace the sender's ballot, so a copy the host already has changes nothing, and one it lost is restored.
   */
  #confirmBallot(): void {
    const ballot = this.ballot;
    const poll = this.poll;
    if (!ballot || !poll || ballot.pollId !== poll.id || poll.status !== PollStatus.OPEN) return;
    if (ballot.choices.length === 0 && ballot.text === '') return;
    this.#send('vote', () => this.#member.send(Vote, { pollId: ballot.pollId, choices: [...ballot.choices], text: ballot.text }));
  }

  #chatPosted(message: ChatMessage, who: { id: string; name: string }): void {
    const isPrivate = message.private;
    if (isPrivate) this.#host.send(ChatPosted, { message }, { to: who.id });
    else {
      this.#host.send(ChatPosted, { message });
      this.#host.retain('classroom.chat', ChatHistory, { messages: chatHistory(this.#data!) });
    }
    this.chat = [...this.#data!.chat];
    this.events.emit('chat', message);
    this.events.emit('change', 'chat');
    this.#save();
  }

  #react(who: { id: string; name: string }, emoji: string): void {
    if (!isReactionEmoji(emoji)) return;
    const now = this.#now();
    this.#data!.log.push({ verb: 'reacted', at: now, actorId: who.id, actorName: who.name, detail: emoji });
    this.#host.send(Reaction, { participantId: who.id, name: who.name, emoji, at: now });
    this.#showReaction(who.id, who.name, emoji);
  }

  #showReaction(participantId: string, name: string, emoji: string): void {
    const ttl = this.#options.reactionTtlMs ?? 4000;
    const shown: ShownReaction = { key: ++this.#reactionKey, participantId, name, emoji, expiresAt: Date.now() + ttl };
    // At most 50 on screen: a flood of reactions must not flood the page.
    this.reactions = [...this.reactions.slice(-49), shown];
    this.events.emit('reaction', shown);
    this.events.emit('change', 'reactions');
    this.#armReactionTimer();
  }

  #armReactionTimer(): void {
    clearTimeout(this.#reactionTimer);
    const next = this.reactions[0];
    if (!next) return;
    this.#reactionTimer = setTimeout(() => {
      const now = Date.now();
      const kept = this.reactions.filter((r) => r.expiresAt > now);
      if (kept.length !== this.reactions.length) {
        this.reactions = kept;
        this.events.emit('change', 'reactions');
      }
      this.#armReactionTimer();
    }, Math.max(0, next.expiresAt - Date.now()) + 10);
  }

  #armPollTimer(): void {
    clearTimeout(this.#pollTimer);
    const poll = this.#data && currentPoll(this.#data);
    if (!poll || poll.status !== 'open' || poll.closesAt === 0) return;
    this.#pollTimer = setTimeout(() => {
      if (expirePoll(this.#data!, this.#now()).ok) this.#publish('poll');
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

function mergeChat(history: readonly ChatMessage[], extra: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const message of [...history, ...extra]) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.at - b.at || Number(a.id.slice(1)) - Number(b.id.slice(1)));
}
