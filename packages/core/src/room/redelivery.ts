/**
 * Exactly-once delivery across reconnects, the same on both sides: each sender numbers its reliable messages per
 * recipient (an outgoing stream) and keeps them until acknowledged; each receiver remembers the highest id it accepted
 * in the sender's epoch (an incoming stream) and drops copies. An epoch is random per page load or host start: when it
 * changes, the ids start again.
 */

/** Reliable messages from one sender to one recipient, numbered and kept until acknowledged. */
export class OutgoingStream<T extends { readonly id: number }> {
  readonly #kept: T[] = [];
  #lastId = 0;

  /** At most `limit` messages are kept: `keep` then drops the oldest (`drop-oldest`) or refuses the new one. */
  constructor(
    readonly limit: number,
    readonly overflow: 'drop-oldest' | 'refuse',
  ) {}

  /** The id for the next message of the stream. */
  nextId(): number {
    return ++this.#lastId;
  }

  get size(): number {
    return this.#kept.length;
  }

  get full(): boolean {
    return this.#kept.length >= this.limit;
  }

  /** Keeps a message until it is acknowledged. False when the stream is full and refuses. */
  keep(entry: T): boolean {
    if (this.overflow === 'refuse' && this.full) return false;
    this.#kept.push(entry);
    if (this.#kept.length > this.limit) this.#kept.splice(0, this.#kept.length - this.limit);
    return true;
  }

  /** Drops what was acknowledged up to and including `id` (kept in id order), without copying the rest. */
  acknowledge(id: number): void {
    // shift, not splice: no array of the removed is made for each acknowledgement.
    while (this.#kept.length > 0 && this.#kept[0]!.id <= id) this.#kept.shift();
  }

  /** Drops one message; acknowledgements come in order, so it is almost always the first. */
  remove(entry: T): void {
    if (this.#kept[0] === entry) {
      this.#kept.shift();
      return;
    }
    const index = this.#kept.indexOf(entry);
    if (index >= 0) this.#kept.splice(index, 1);
  }

  /** What is kept, after `afterId`, in order (a copy: callers may acknowledge while iterating). */
  pending(afterId = 0): T[] {
    return this.#kept.filter((entry) => entry.id > afterId);
  }

  /** Empties the stream, returning what was kept. */
  clear(): T[] {
    return this.#kept.splice(0);
  }
}

/** Refusals remembered per stream, so a copy re-sent after a lost ack gets the same verdict. */
const refusalsKept = 256;

/** What a receiver remembers of one sender's stream: its epoch, the highest id accepted in it, recent refusals. */
export class IncomingStream<R = unknown> {
  epoch: string;
  lastId = 0;
  readonly #refusals = new Map<number, R>();

  constructor(epoch = '') {
    this.epoch = epoch;
  }

  /** Starts over when the sender's epoch changed (a reload or a restart); returns whether it did. */
  restart(epoch: string): boolean {
    if (epoch === this.epoch) return false;
    this.epoch = epoch;
    this.lastId = 0;
    this.#refusals.clear();
    return true;
  }

  /** Remembers why the message with this id was refused (its copies are refused the same way). */
  refused(id: number, reason: R): void {
    if (!id) return;
    this.#refusals.set(id, reason);
    if (this.#refusals.size > refusalsKept) this.#refusals.delete(this.#refusals.keys().next().value!);
  }

  /** Why the message with this id was refused, if it was (and is still remembered). */
  refusal(id: number): R | undefined {
    return this.#refusals.get(id);
  }

  /** Whether a message with this id is new (and is now accepted); untracked messages (id 0) always are. */
  accept(id: number): boolean {
    if (!id) return true;
    if (id <= this.lastId) return false;
    this.lastId = id;
    return true;
  }
}
