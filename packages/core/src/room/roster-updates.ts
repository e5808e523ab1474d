import { RosterUpdate, Welcome } from '../gen/control.ts';
import type { RosterChange } from '../gen/control.ts';
import type { MessageInit } from '../schema.ts';
import type { Participant } from './types.ts';
import { toMessage } from './wire.ts';

/** How long the host gathers joins and leaves before telling the members. */
export const rosterWindowMs = 50;

/**
 * The host's roster broadcasts. Joins and leaves are gathered over `rosterWindowMs` and sent as one RosterUpdate,
 * encoded once for every member: a burst of N joins costs N frames per window instead of N per join. A newcomer's
 * Welcome lists the roster as it is now (each participant encoded once, then copied), so the update that follows
 * skips, for it, the changes its Welcome already holds.
 */
export class RosterUpdates {
  readonly #members: () => Iterable<string>;
  readonly #sendTo: (id: string, payload: Uint8Array) => void;
  #changes: MessageInit<RosterChange>[] = [];
  /** Members welcomed during this window, with how many of its changes their Welcome already reflected. */
  readonly #newcomers = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #encoded = new WeakMap<Participant, Uint8Array>();

  constructor(members: () => Iterable<string>, sendTo: (id: string, payload: Uint8Array) => void) {
    this.#members = members;
    this.#sendTo = sendTo;
  }

  /** The Welcome's `participants` field for `participants`, encoded: appended to the rest of the Welcome (protobuf merges them). */
  welcomeRoster(newcomer: string, participants: readonly Participant[]): Uint8Array {
    this.#newcomers.set(newcomer, this.#changes.length);
    const parts = participants.map((participant) => {
      let bytes = this.#encoded.get(participant);
      if (!bytes) {
        bytes = Welcome.encode({ participants: [toMessage(participant)] });
        this.#encoded.set(participant, bytes);
      }
      return bytes;
    });
    return concat(parts);
  }

  joined(participant: Participant, rejoined: boolean): void {
    this.#add({ joined: { participant: toMessage(participant), rejoined } });
  }

  left(id: string, reason: string): void {
    this.#add({ left: { id, reason } });
  }

  /**
   * Sends what is pending now. The host calls it before any other reliable frame to members, so a member always
   * knows a participant before it hears of them.
   */
  flush(): void {
    // Called before every host send: nothing to do is the usual case.
    if (this.#timer === undefined && this.#changes.length === 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const changes = this.#changes;
    if (changes.length === 0) return;
    this.#changes = [];
    const shared = RosterUpdate.encode({ changes });
    for (const id of this.#members()) {
      const from = this.#newcomers.get(id) ?? 0;
      if (from === 0) this.#sendTo(id, shared);
      else if (from < changes.length) this.#sendTo(id, RosterUpdate.encode({ changes: changes.slice(from) }));
    }
    this.#newcomers.clear();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#changes = [];
    this.#newcomers.clear();
  }

  #add(change: MessageInit<RosterChange>): void {
    this.#changes.push(change);
    this.#timer ??= setTimeout(() => this.flush(), rosterWindowMs);
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
