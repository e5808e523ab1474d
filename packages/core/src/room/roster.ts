import type { Frame } from '../codec.ts';
import type { BeckonError } from '../errors.ts';
import type { DeliveryResult } from '../session/index.ts';
import { IncomingStream, OutgoingStream } from './redelivery.ts';
import type { IdentityRecord, Participant } from './types.ts';

/** What the host remembers of a participant across reconnects. */
export interface Known {
  readonly token: string;
  participant: Participant;
  /** What the host accepted from the member, in the member's epoch (its ids restart on a reload). */
  readonly incoming: IncomingStream<BeckonError>;
  /** Reliable messages for the member, kept until acknowledged and redelivered after a reconnect. */
  readonly outgoing: OutgoingStream<Frame>;
  /** Deliveries waiting for the member to come back. */
  waiting: ((result: DeliveryResult) => void)[];
  /** When the member's link went away, if it is away. */
  goneAt: number | undefined;
  /** Why the host removed the participant; while set, its id and its token are refused. */
  removed: string | undefined;
}

/** Everyone who has joined the room, by participant id, with the tokens that let them rejoin. */
export class Roster {
  readonly #known = new Map<string, Known>();
  readonly #bufferSize: number;

  constructor(bufferSize: number, identities: readonly IdentityRecord[] = []) {
    this.#bufferSize = bufferSize;
    for (const { participant, token, removed } of identities) {
      const known = this.create(participant, token, '');
      if (removed) known.removed = 'removed';
      this.#known.set(participant.id, known);
    }
  }

  create(participant: Participant, token: string, epoch: string): Known {
    return {
      token,
      participant,
      incoming: new IncomingStream<BeckonError>(epoch),
      outgoing: new OutgoingStream<Frame>(this.#bufferSize, 'drop-oldest'),
      waiting: [],
      goneAt: undefined,
      removed: undefined,
    };
  }

  get(id: string): Known | undefined {
    return this.#known.get(id);
  }

  /** The removal that bars this participant id or this resume token, if any. */
  removal(id: string, token: string): string | undefined {
    const byId = this.#known.get(id)?.removed;
    if (byId !== undefined) return byId;
    if (token === '') return undefined;
    for (const known of this.#known.values()) if (known.removed !== undefined && known.token === token) return known.removed;
    return undefined;
  }

  set(id: string, known: Known): void {
    this.#known.set(id, known);
  }

  delete(id: string): void {
    this.#known.delete(id);
  }

  entries(): IterableIterator<[string, Known]> {
    return this.#known.entries();
  }

  identities(): IdentityRecord[] {
    return [...this.#known.values()].map(({ participant, token, removed }) => (removed === undefined ? { participant, token } : { participant, token, removed: true }));
  }
}
