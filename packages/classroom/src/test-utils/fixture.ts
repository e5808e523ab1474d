import { LoopbackNetwork } from '@beckon/core/testing';
import '../define.ts';
import type { BeckonRoom } from '../components/room/room.component.ts';

class MemoryStorage implements Storage {
  readonly #map = new Map<string, string>();
  get length(): number {
    return this.#map.size;
  }
  clear(): void {
    this.#map.clear();
  }
  getItem(key: string): string | null {
    return this.#map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#map.set(key, value);
  }
}

export interface Stage {
  readonly network: LoopbackNetwork;
  readonly container: HTMLElement;
  /** Adds a `<beckon-room>` holding `inner` (the teacher's, or a student's named `name`) and waits until it is connected. */
  room(inner: string, as: { teacher: true } | { student: string }, options?: { readonly video?: boolean }): Promise<BeckonRoom>;
  cleanup(): Promise<void>;
}

let stageCount = 0;

/** Teacher and students as `<beckon-room>` elements on one page, over an in-memory network. */
export function stage(): Stage {
  const network = new LoopbackNetwork();
  const container = document.createElement('main');
  document.body.append(container);
  const hostPeer = `host-${++stageCount}`;
  const rooms: BeckonRoom[] = [];
  let invite = '';
  let peers = 0;
  return {
    network,
    container,
    async room(inner, as, options = {}) {
      const room = document.createElement('beckon-room');
      // Over the loopback transport video has no media calls: the roster and the stage rules still run.
      room.video = options.video === true;
      room.mode = 'teacher' in as ? 'host' : 'join';
      // Students join with the teacher's invite (the keys), as from the link.
      room.invite = 'teacher' in as ? '' : invite;
      room.roomName = `test-${stageCount}`;
      room.storage = new MemoryStorage();
      room.transportFactory = async (id) => network.transport(id ?? `peer-${stageCount}-${++peers}`);
      if ('teacher' in as) {
        room.transportFactory = async () => network.transport(hostPeer);
      }
      room.innerHTML = inner;
      container.append(room);
      rooms.push(room);
      await room.updateComplete;
      if ('student' in as) await room.join(as.student);
      await until(() => room.state === 'open', 'room open');
      if ('teacher' in as) invite = new URLSearchParams(new URL(room.inviteLink).hash.slice(1)).get('join') ?? '';
      return room;
    },
    async cleanup() {
      for (const room of rooms.reverse()) await room.close();
      container.remove();
    },
  };
}

export async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The element's shadow root, typed. */
export function shadow(element: Element | null | undefined): ShadowRoot {
  if (!element?.shadowRoot) throw new Error('no shadow root');
  return element.shadowRoot;
}
