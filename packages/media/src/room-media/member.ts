import { BeckonError } from '@beckon/core';
import type { HostRoom, MemberRoom, MessageInit, MessageType } from '@beckon/core';
import { MediaRoster, SfuGrant, StageInvite } from '../gen/media.ts';
import type { SfuPass } from '../sfu/sfu-link.ts';

export interface MemberHandlers {
  readonly roster: (roster: MediaRoster) => void;
  readonly pass: (pass: SfuPass | undefined) => void;
  readonly invite: (fromName: string) => void;
  /** The room (re)opened: the host may have restarted, so tell it our switches again. */
  readonly open: () => void;
}

/** A member follows what the host decides; returns the listeners to remove. */
export function listenAsMember(room: MemberRoom, handlers: MemberHandlers): (() => void)[] {
  return [
    // In order on the reliable lane, and the copy replayed on a rejoin is the current one: apply each as it comes.
    room.on(MediaRoster, (roster) => handlers.roster(roster)),
    room.on(SfuGrant, (grant) => handlers.pass(grant.url === '' ? undefined : { ...grant })),
    room.on(StageInvite, ({ fromName }) => handlers.invite(fromName)),
    room.on('state', (state) => {
      if (state === 'open') handlers.open();
    }),
  ];
}

/** A member's stage action, sent to the host; the host decides directly instead. */
export function sendAsMember<T extends object>(room: HostRoom | MemberRoom, type: MessageType<T>, value: MessageInit<T>): void {
  if (room.isHost) throw new BeckonError('policy-violation', `The host does not send ${type.name}; it decides directly`);
  room.send(type, value);
}
