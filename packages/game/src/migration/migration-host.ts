import type { HostRoom } from '@beckon/core';
import { HostLeaving, MigrationState, Succession, SuccessorKey } from '../gen/game.ts';
import type { Successor } from '../gen/game.ts';
import type { GameHost } from '../room/game-host.ts';
import { isSuccessorKey } from './succession.ts';

export interface MigrationHostOptions {
  /** The game's own state (scores, clocks), as bytes; taken every `intervalMs`. */
  readonly exportState: () => Uint8Array;
  /** How often members get the game state. Default 250 ms: a migration loses at most that much of it. */
  readonly intervalMs?: number;
}

/** Room-state keys the host keeps the migration facts under, replayed to every late joiner and rejoin. */
const successionKey = 'migration:succession';
const stateKey = 'migration:state';

/**
 * The host's side of host migration: collects each member's successor key (with the transport id the host saw it
 * come from, which the member cannot forge), keeps the list as room state, and streams the game state a few times a
 * second, so every member holds what it needs to take over or to find and check the one who does.
 */
export class MigrationHost {
  readonly host: GameHost;
  readonly room: HostRoom;
  readonly #successors = new Map<string, Successor>();
  readonly #options: MigrationHostOptions;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(host: GameHost, options: MigrationHostOptions) {
    this.host = host;
    this.room = host.room;
    this.#options = options;
    this.#unsubscribe.push(
      this.room.on(SuccessorKey, (message, meta) => {
        const peer = this.room.link(meta.from)?.remoteId;
        if (peer === undefined || !isSuccessorKey(message.key)) return meta.reject('not a P-256 public key');
        this.#successors.set(meta.from, { participant: meta.from, peer, key: Uint8Array.from(message.key) });
        this.#publishSuccession();
      }),
      this.room.on('leave', ({ participant }) => {
        if (this.#successors.delete(participant.id)) this.#publishSuccession();
      }),
    );
    this.#timer = setInterval(() => this.publishState(), options.intervalMs ?? 250);
    this.publishState();
  }

  /** Who may take over, as published. */
  get successors(): readonly Successor[] {
    return [...this.#successors.values()];
  }

  /** Sends the game state now (also every `intervalMs`); call after a big change, such as a new round. */
  publishState(): void {
    if (this.room.state !== 'open') return;
    const avatars = [...this.host.avatars()].map(([participant, entity]) => ({ participant, entity }));
    try {
      this.room.send(MigrationState, { tick: this.host.tick, avatars, app: this.#options.exportState() }, { retain: stateKey });
    } catch {
      // A member's queue is full this instant: the next one goes out in `intervalMs`.
    }
  }

  /** Tells the members this host is leaving, so they move on at once, then closes the room. */
  async leave(reason = 'The host left'): Promise<void> {
    this.dispose();
    if (this.room.state === 'open') {
      const { settled } = this.room.send(HostLeaving, { reason });
      // The members need the notice, not an answer: wait a moment for it to leave, never for long.
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 300))]);
    }
    await this.room.close();
  }

  dispose(): void {
    clearInterval(this.#timer);
    for (const off of this.#unsubscribe.splice(0)) off();
  }

  #publishSuccession(): void {
    this.room.send(Succession, { successors: this.successors.map((s) => ({ ...s })) }, { retain: successionKey });
  }
}
