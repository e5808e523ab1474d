import { hostRoom, joinRoom } from '@beckon/core';
import { LoopbackNetwork } from '@beckon/core/testing';
import type { Identity } from '@beckon/core';
import { Classroom, classroomTypes } from '../session/classroom.ts';
import type { ClassroomOptions } from '../session/classroom.ts';

export class MemoryStorage {
  readonly map = new Map<string, string>();
  writes = 0;
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.writes++;
    this.map.set(key, value);
  }
}

export async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A teacher and students over the in-memory network; `cleanup()` closes them all. */
export function loopbackClass(): {
  network: LoopbackNetwork;
  teacher: (storage?: MemoryStorage, options?: ClassroomOptions) => Classroom;
  student: (name: string, identity?: Identity) => Promise<Classroom>;
  cleanup: () => Promise<void>;
} {
  const network = new LoopbackNetwork();
  const cleanups: (() => unknown)[] = [];
  let peers = 0;
  return {
    network,
    teacher(storage = new MemoryStorage(), options = {}) {
      const room = hostRoom({ transport: network.transport('host'), types: classroomTypes, name: 'Ms Rivera', room: 'lesson', participantId: 'teacher' });
      const classroom = new Classroom(room, { storage, ...options });
      cleanups.push(() => room.close(), () => classroom.dispose());
      return classroom;
    },
    async student(name, identity) {
      let classroom: Classroom | undefined;
      const room = await joinRoom({ transport: network.transport(`peer-${++peers}`), hostId: 'host', name, ...(identity ? { identity } : {}) }, (r) => {
        classroom = new Classroom(r);
      });
      cleanups.push(() => room.leave());
      return classroom!;
    },
    async cleanup() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}
