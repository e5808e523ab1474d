import type { HostRoom } from '@beckon/core';
import { BallotReceipt, ChatHistory, HandQueue, PollState, PollTally, PublishedPolls } from '../gen/classroom.ts';
import type { HandQueue as HandQueueValue, PollState as PollStateValue, PollTally as PollTallyValue } from '../gen/classroom.ts';
import { ballotReceipt, chatHistory, currentPoll, handQueue, maySee, memberPollView, memberTally, pollState, publishedPolls } from '../state/classroom-state.ts';
import type { ClassroomData, PollRecord } from '../state/classroom-state.ts';
import { Coalescer } from './coalesce.ts';

export type SyncPart = 'hands' | 'poll' | 'tally' | 'published' | 'chat';

export interface HostSyncOptions {
  readonly host: HostRoom;
  readonly data: ClassroomData;
  readonly selfId: () => string;
  readonly coalesceMs: number;
  readonly saveDelayMs: number;
  readonly save: () => void;
  /** Called after a part went out, so the teacher's own page shows it too. */
  readonly applied: (part: SyncPart) => void;
}

/**
 * The teacher's side of keeping everyone in step. Members' changes are coalesced (one update per part per
 * `coalesceMs`), a vote sends the tally only (counts, no ids), each student gets only what the results policy lets
 * them see, and saves after members' changes are debounced; the teacher's own commands go out and save at once.
 */
export class HostSync {
  hands: HandQueueValue = { hands: [], calledOn: '', calledOnName: '' };
  teacherPoll: PollStateValue | undefined;
  published: PollStateValue[] = [];
  readonly #options: HostSyncOptions;
  readonly #coalescer: Coalescer<SyncPart>;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Poll updates waiting to go to members, in order: a class of 120 is served over several short tasks. */
  readonly #outbox: (() => void)[] = [];
  #draining = false;

  constructor(options: HostSyncOptions) {
    this.#options = options;
    this.#coalescer = new Coalescer<SyncPart>(options.coalesceMs, (parts) => this.#send(parts));
  }

  /** A member's change: sent with the next coalesced update, saved a little later. */
  mark(part: SyncPart): void {
    this.#coalescer.mark(part);
    this.saveSoon();
  }

  /** A teacher's command: sent now (with anything pending), and saved now. */
  publish(...parts: SyncPart[]): void {
    for (const part of parts) this.#coalescer.mark(part);
    this.#coalescer.flush();
    this.#saveNow();
  }

  flushAll(): void {
    this.#coalescer.flush();
    if (this.#saveTimer !== undefined) this.#saveNow();
  }

  saveSoon(): void {
    this.#saveTimer ??= setTimeout(() => this.#saveNow(), this.#options.saveDelayMs);
  }

  /** The host's record of a member's ballot, to that member: sent at once, it is that member's confirmation. */
  receipt(poll: PollRecord, participantId: string): void {
    this.#options.host.send(BallotReceipt, ballotReceipt(poll, participantId), { to: participantId });
  }

  /** A member (re)joined: its own view of the current poll, and its ballot. */
  welcome(participantId: string): void {
    const poll = currentPoll(this.#options.data);
    if (!poll) return;
    const host = this.#options.host;
    host.send(PollState, memberPollView(poll, maySee(poll, participantId)), { to: participantId });
    if (poll.ballots[participantId]) this.receipt(poll, participantId);
  }

  dispose(): void {
    this.#outbox.length = 0;
    this.#coalescer.dispose();
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
  }

  #saveNow(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    this.#options.save();
  }

  #send(parts: ReadonlySet<SyncPart>): void {
    const { host, data } = this.#options;
    const order: SyncPart[] = ['hands', 'poll', 'tally', 'published', 'chat'];
    for (const part of order) {
      if (!parts.has(part)) continue;
      // The whole poll carries its tally: no separate tally after it.
      if (part === 'tally' && parts.has('poll')) continue;
      if (part === 'hands') {
        this.hands = handQueue(data);
        host.send(HandQueue, this.hands, { retain: 'classroom.hands' });
      } else if (part === 'poll' || part === 'tally') {
        const poll = currentPoll(data);
        this.teacherPoll = poll && pollState(poll);
        if (poll) this.#toMembers(poll, part);
      } else if (part === 'published') {
        this.published = publishedPolls(data);
        host.send(PublishedPolls, { polls: this.published }, { retain: 'classroom.published' });
      } else {
        host.retain('classroom.chat', ChatHistory, { messages: chatHistory(data) });
      }
      this.#options.applied(part);
    }
  }

  /**
   * Two versions at most (results visible or withheld), each encoded once and sent to the members it is for, in
   * batches: the teacher's page never spends one long task on a whole class. A new whole poll supersedes the
   * updates still waiting (a member ignores a tally for another poll anyway).
   */
  #toMembers(poll: PollRecord, part: 'poll' | 'tally'): void {
    const { host } = this.#options;
    const self = this.#options.selfId();
    const visible: string[] = [];
    const withheld: string[] = [];
    for (const participant of host.participants) {
      if (participant.id === self) continue;
      (maySee(poll, participant.id) ? visible : withheld).push(participant.id);
    }
    if (part === 'poll') this.#outbox.length = 0;
    for (const [to, shown] of [
      [visible, true],
      [withheld, false],
    ] as const) {
      if (to.length === 0) continue;
      const value = part === 'poll' ? memberPollView(poll, shown) : memberTally(poll, shown);
      for (let i = 0; i < to.length; i += batchSize) {
        const batch = to.slice(i, i + batchSize);
        this.#outbox.push(() => (part === 'poll' ? host.send(PollState, value as PollStateValue, { to: batch }) : host.send(PollTally, value as PollTallyValue, { to: batch })));
      }
    }
    this.#drain();
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    const started = performance.now();
    try {
      while (this.#outbox.length > 0) {
        this.#outbox.shift()!();
        // Yield after ~10 ms of sending: the rest goes in the next task.
        if (performance.now() - started > 10 && this.#outbox.length > 0) {
          setTimeout(() => this.#drain(), 0);
          return;
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}

/** Members per send call; one call encodes once and frames once per member. */
const batchSize = 20;
