const init = { bubbles: true, composed: true } as const;

/** The participant switched its microphone or camera with the controls. */
export class BeckonMediaToggleEvent extends Event {
  constructor(
    readonly device: 'mic' | 'camera',
    readonly on: boolean,
  ) {
    super('beckon-media-toggle', init);
  }
}

/** A stage action from the controls: a member's request or answer, or the host's decision about `participantId`. */
export class BeckonStageActionEvent extends Event {
  constructor(
    readonly action: 'request' | 'withdraw' | 'accept-invite' | 'decline-invite' | 'leave' | 'invite' | 'accept-request' | 'end',
    readonly participantId: string,
  ) {
    super('beckon-stage-action', init);
  }
}

declare global {
  interface HTMLElementEventMap {
    'beckon-media-toggle': BeckonMediaToggleEvent;
    'beckon-stage-action': BeckonStageActionEvent;
  }
}
