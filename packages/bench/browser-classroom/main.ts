import { createHostCredentials, formatInvite, hostRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
// The session module: the teacher's page as the classroom runs it, without the Lit elements.
import { Classroom, classroomTypes } from '../../classroom/src/session/classroom.ts';

/**
 * The teacher's page of the class-scale benchmark: a `Classroom` hosting a keyed room over PeerJS, as
 * `<beckon-room>` does, with the state saved to IndexedDB-like storage (here an in-memory `Storage`, written as the
 * teacher's page writes it). Long tasks on this page are recorded while the class answers.
 */
const server = { host: location.hostname, port: Number(location.port), path: new URLSearchParams(location.search).get('path') ?? '/peerjs', secure: false };
let classroom: Classroom | undefined;
const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });

const api = {
  async host(id: string): Promise<string> {
    const credentials = await createHostCredentials(id);
    const transport = await createPeerJsTransport({ ...server, id, iceServers: [] });
    const room = hostRoom({ transport, types: classroomTypes, name: 'Ms Bench', room: 'bench', participantId: 'teacher', credentials });
    classroom = new Classroom(room, { storage: sessionStorage, storageKey: 'beckon:bench' });
    return formatInvite(credentials.invite);
  },
  students(): number {
    return classroom?.students.length ?? 0;
  },
  openPoll(): string {
    classroom!.closePoll();
    if (!classroom!.openPoll({ question: 'Which is the largest?', kind: 'letters', results: 'live' })) throw new Error('could not open the poll');
    return classroom!.poll!.id;
  },
  /** Resolves once the teacher's tally reads `expected`: the page waits on its own events, so no polling loads the tab. */
  untilCounts(expected: string): Promise<void> {
    return new Promise((resolve) => {
      const matches = (): boolean => classroom?.poll?.counts.join() === expected;
      if (matches()) return resolve();
      const off = classroom!.events.on('change', () => {
        if (!matches()) return;
        off();
        resolve();
      });
    });
  },
  /** Long tasks since the last call, in ms. */
  takeLongTasks(): number[] {
    return longTasks.splice(0);
  },
};
(globalThis as unknown as { beckonClassroomBench: typeof api }).beckonClassroomBench = api;
