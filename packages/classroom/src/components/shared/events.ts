import type { ConnectionState, Participant } from '@beckon/core';
import type { Classroom } from '../../session/classroom.ts';

const init = { bubbles: true, composed: true } as const;

/** The room connected (or reconnected) and its classroom is ready: `classroom` is the API the elements use. */
export class BeckonReadyEvent extends Event {
  constructor(readonly classroom: Classroom) {
    super('beckon-ready', init);
  }
}

export class BeckonConnectionChangeEvent extends Event {
  constructor(readonly state: ConnectionState) {
    super('beckon-connection-change', init);
  }
}

export class BeckonParticipantsChangeEvent extends Event {
  constructor(readonly participants: readonly Participant[]) {
    super('beckon-participants-change', init);
  }
}

/** The room could not be hosted or joined, or a command was refused. */
export class BeckonErrorEvent extends Event {
  constructor(readonly message: string) {
    super('beckon-error', init);
  }
}

/** This participant raised or lowered their hand. */
export class BeckonHandChangeEvent extends Event {
  constructor(readonly raised: boolean) {
    super('beckon-hand-change', init);
  }
}

/** The teacher acted on a hand: called on it, lowered it, or lowered all (`participantId` is '' then). */
export class BeckonHandActionEvent extends Event {
  constructor(
    readonly action: 'call-on' | 'lower' | 'lower-all',
    readonly participantId: string,
  ) {
    super('beckon-hand-action', init);
  }
}

/** This participant voted (or changed their vote). */
export class BeckonVoteEvent extends Event {
  constructor(
    readonly pollId: string,
    readonly choices: readonly number[],
    readonly text: string,
  ) {
    super('beckon-vote', init);
  }
}

/** The teacher opened, closed or published a poll. */
export class BeckonPollChangeEvent extends Event {
  constructor(readonly action: 'open' | 'close' | 'publish') {
    super('beckon-poll-change', init);
  }
}

export class BeckonReactEvent extends Event {
  constructor(readonly emoji: string) {
    super('beckon-react', init);
  }
}

export class BeckonChatSendEvent extends Event {
  constructor(
    readonly text: string,
    readonly isPrivate: boolean,
  ) {
    super('beckon-chat-send', init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'beckon-ready': BeckonReadyEvent;
    'beckon-connection-change': BeckonConnectionChangeEvent;
    'beckon-participants-change': BeckonParticipantsChangeEvent;
    'beckon-error': BeckonErrorEvent;
    'beckon-hand-change': BeckonHandChangeEvent;
    'beckon-hand-action': BeckonHandActionEvent;
    'beckon-vote': BeckonVoteEvent;
    'beckon-poll-change': BeckonPollChangeEvent;
    'beckon-react': BeckonReactEvent;
    'beckon-chat-send': BeckonChatSendEvent;
  }
}
