import type { Frame } from '../codec.ts';
import type { DeliveryResult } from '../session.ts';
import { IncomingStream, OutgoingStream } from './redelivery.ts';
import type { IdentityRecord, Participant } from './types.ts';

/** What the host remembers of a participant across reconnects. */
export interface Known {
  readonly token: string;
  participant: Participant;
  /** What the host accepted from the member, in the member's epoch (its ids restart on a reload). */
  readonly incoming: IncomingStream;
  /** Reliable messages for the member, kept until acknowledged and redelivered after a reconnect. */
  readonly outgoing: OutgoingStream<Frame>;
  /** Deliveries waiting for the member to come back. */
  waiting: ((result: DeliveryResult) => void)[];
  /** When the member's link went away, if it is away. */
  goneAt: number | undefined;
}

/** Everyone who has joined the room, by participant id, with the tokens that let them rejoin. */
export class Roster {
  readonly #known = new Map<string, Known>();
  readonly #bufferSize: number;

  constructor(bufferSize: number, identities: readonly IdentityRecord[] = []) {
    this.#bufferSize = bufferSize;
    for (const { participant, token } of identities) this.#known.set(participant.id, this.create(participant, token, ''));
  }

  create(participant: Participant, token: string, epoch: string): Known {
    return {
      token,
      participant,
      incoming: new IncomingStream(epoch),
      outgoing: new OutgoingStream<Frame>(this.#bufferSize, 'drop-oldest'),
      waiting: [],
      goneAt: undefined,
    };
  }

  get(id: string): Known | undefined {
    return this.#known.get(id);
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
    return [...this.#known.values()].map(({ participant, token }) => ({ participant, token }));
  }
}
