import type { Emitter } from '@beckon/core';
import { callTag } from '../calls.ts';
import type { MediaCall } from '../calls.ts';
import type { SfuSubscriber } from '../sfu/videoroom.ts';
import type { RemoteMedia, RoomMediaEvents } from './types.ts';

/** The streams received, by participant, whether over a p2p call or the SFU, and the 'remote' events they make. */
export class Remotes {
  readonly #map = new Map<string, RemoteMedia>();
  readonly #events: Emitter<RoomMediaEvents>;
  readonly #changed: () => void;

  constructor(events: Emitter<RoomMediaEvents>, changed: () => void) {
    this.#events = events;
    this.#changed = changed;
  }

  get all(): ReadonlyMap<string, RemoteMedia> {
    return this.#map;
  }

  get(participantId: string): RemoteMedia | undefined {
    return this.#map.get(participantId);
  }

  /** Puts `remote` in its participant's place (the caller closes whatever it replaces). */
  set(remote: RemoteMedia): void {
    this.#map.set(remote.participantId, remote);
  }

  /** Tells views a stream arrived (or went: undefined), then that they should redraw. */
  announce(participantId: string, stream: MediaStream | undefined): void {
    this.#events.emit('remote', { participantId, stream });
    this.#changed();
  }

  /** Forgets `remote` when it is still its participant's, and announces the loss. */
  ended(remote: RemoteMedia): void {
    if (this.#map.get(remote.participantId) !== remote) return;
    this.#map.delete(remote.participantId);
    this.announce(remote.participantId, undefined);
  }

  /** Hangs up on a participant's stream; no 'change' (the caller's reconcile or close reports it). */
  drop(participantId: string): void {
    const remote = this.#map.get(participantId);
    if (!remote) return;
    this.#map.delete(participantId);
    remote.call.close();
    this.#events.emit('remote', { participantId, stream: undefined });
  }

  dropAll(): void {
    for (const id of [...this.#map.keys()]) this.drop(id);
  }

  /** The SFU link received a publisher's stream, or lost it (undefined); it replaces any p2p call from them. */
  fromSfu(participantId: string, peerId: string, subscriber: SfuSubscriber | undefined): void {
    const previous = this.#map.get(participantId);
    if (!subscriber) {
      if (previous?.via !== 'sfu') return;
      this.#map.delete(participantId);
      this.announce(participantId, undefined);
      return;
    }
    if (previous?.via === 'sfu' && previous.call.peerConnection === subscriber.pc && previous.stream === subscriber.stream) return;
    if (previous?.via === 'p2p') previous.call.close();
    // A stand-in call, so views and stats read an SFU stream as they read a p2p one.
    const call: MediaCall = {
      peer: peerId,
      metadata: { [callTag]: participantId, via: 'sfu' },
      peerConnection: subscriber.pc,
      answer: () => {},
      close: () => subscriber.close(),
      on: () => undefined,
    };
    this.#map.set(participantId, { participantId, stream: subscriber.stream, call, via: 'sfu' });
    this.announce(participantId, subscriber.stream);
  }
}
