import type { RoomMedia } from '@beckon/media';
import type { Classroom } from '../../session/classroom.ts';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Teacher: the student called on is on stage, and comes back on stage after the teacher's reload. */
export function keepStageAsHost(classroom: Classroom, media: RoomMedia): void {
  // Ant Media's flow: the teacher calls on a raised hand, that student is invited on stage (and accepts); when the
  // teacher is done with them (or calls on someone else), their stage ends everywhere. Whom the teacher called on
  // is part of the saved lesson: after the teacher's reload the student is invited again as soon as they are back
  // (their page accepts by itself), so the stage survives the reload.
  let onStage = '';
  let invited = false;
  let busy = false;
  const sync = (): void => {
    // The media calls below announce their change at once: that change is ours, not news.
    if (busy) return;
    busy = true;
    try {
      const called = classroom.hands.calledOn;
      if (called !== onStage) {
        const previous = onStage;
        onStage = called;
        invited = false;
        if (previous) media.endStage(previous);
      }
      const roster = media.roster;
      if (!onStage || !roster) return;
      if (!roster.peers.has(onStage)) invited = false;
      else if (!invited && !roster.stage.includes(onStage) && !roster.invited.includes(onStage)) {
        invited = true;
        media.inviteToStage(onStage);
      }
    } finally {
      busy = false;
    }
  };
  classroom.events.on('change', (kind) => kind === 'hands' && sync());
  media.events.on('change', sync);
  sync();
}

/**
 * Student: remembers being on stage; if the teacher's page reloads while this student has the floor, the host's
 * fresh invite is accepted by itself, so the class sees no change.
 */
export function keepStageAsStudent(selfId: string, classroom: Classroom, media: RoomMedia, store: KeyValueStore, key: string): void {
  media.events.on('change', () => {
    if (media.onStage) store.setItem(key, classroom.hands.calledOn === selfId ? '1' : '');
  });
  classroom.events.on('change', (kind) => {
    if (kind === 'hands' && classroom.hands.calledOn !== selfId) store.removeItem(key);
  });
  media.events.on('invite', () => {
    if (store.getItem(key) === '1' && classroom.hands.calledOn === selfId) media.answerInvite(true);
  });
}
