import { createHostCredentials, Emitter } from '@beckon/core';
import type { HostCredentials, Participant } from '@beckon/core';
import type { EntityState } from '../codec/schema.ts';
import { HostLeaving, MigrationState, Succession, SuccessorKey } from '../gen/game.ts';
import type { Successor } from '../gen/game.ts';
import type { GameClient } from '../room/game-client.ts';

/** What a member holds of the authoritative game, enough to carry it on as the new host. */
export interface Replica {
  /** Participant id of the host this replica came from. */
  readonly oldHost: string;
  /** The newest snapshot's entities. */
  readonly entities: ReadonlyMap<number, EntityState>;
  readonly tick: number;
  readonly avatars: ReadonlyMap<string, number>;
  /** The game's own state, as the old host's `exportState` made it. */
  readonly app: Uint8Array;
  /** How old `app` is, ms: a clock in it (a round's time left) has run on by this much. */
  readonly ageMs: number;
  /** The roster as last seen while connected. */
  readonly roster: readonly Participant[];
  readonly successors: readonly Successor[];
}

export interface HostLost {
  /** `left`: the host said so; `lost`: its link went silent or closed. */
  readonly cause: 'left' | 'lost';
  readonly reason: string;
}

export interface MigrationMemberEvents {
  'host-lost': HostLost;
}

/**
 * A member's side of host migration: registers a key it would host with, and keeps a replica of the game (entities
 * from the snapshots, the rest from the host's MigrationState, the roster and the succession list). Says once when
 * the host is gone.
 */
export class MigrationMember {
  readonly client: GameClient;
  readonly events = new Emitter<MigrationMemberEvents>();
  /** This member's key pair (the room secret is filled in on takeover). */
  readonly keys: Promise<HostCredentials>;
  #successors: readonly Successor[] = [];
  #roster: readonly Participant[] = [];
  #state: { tick: number; avatars: Map<string, number>; app: Uint8Array; at: number } | undefined;
  #oldHost = '';
  #lost = false;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #now: () => number;

  constructor(client: GameClient, now: () => number = () => performance.now()) {
    this.client = client;
    this.#now = now;
    const room = client.room;
    this.keys = createHostCredentials(room.transport.localId);
    this.keys.catch(() => undefined);
    const remember = (): void => {
      if (room.state !== 'open') return;
      this.#roster = room.participants;
      this.#oldHost = room.hostId;
    };
    this.#unsubscribe.push(
      room.on(Succession, (succession) => (this.#successors = succession.successors)),
      room.on(MigrationState, (state) => {
        this.#state = { tick: state.tick, avatars: new Map(state.avatars.map((a) => [a.participant, a.entity])), app: state.app, at: this.#now() };
      }),
      room.on(HostLeaving, (leaving) => this.#hostLost({ cause: 'left', reason: leaving.reason.slice(0, 200) || 'The host left' })),
      room.on('participants', remember),
      room.on('state', (state) => {
        if (state === 'open') {
          remember();
          void this.#register();
        } else if (state === 'reconnecting' || state === 'closed') {
          // Reconnecting means the heartbeat timed out or the link closed: the host is gone or unreachable.
          this.#hostLost({ cause: 'lost', reason: 'The host stopped answering' });
        }
      }),
    );
    remember();
    if (room.state === 'open') void this.#register();
  }

  /** Whether this member may take over: the old host listed it with the key it holds. */
  get listed(): boolean {
    return this.#successors.some((s) => s.participant === this.client.room.selfId);
  }

  replica(): Replica {
    const latest = this.client.latest;
    const state = this.#state;
    return {
      oldHost: this.#oldHost,
      entities: latest?.entities ?? new Map(),
      tick: Math.max(latest?.tick ?? 0, state?.tick ?? 0),
      avatars: state?.avatars ?? new Map(),
      app: state?.app ?? new Uint8Array(0),
      ageMs: state ? this.#now() - state.at : 0,
      roster: this.#roster,
      successors: this.#successors,
    };
  }

  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
  }

  async #register(): Promise<void> {
    let keys: HostCredentials;
    try {
      keys = await this.keys;
    } catch {
      return; // No WebCrypto (an insecure page): this member simply cannot take over.
    }
    if (this.client.room.state !== 'open' || this.#lost) return;
    try {
      this.client.room.send(SuccessorKey, { key: keys.invite.hostKey });
    } catch {
      // Lost the link this instant; the next 'open' registers again.
    }
  }

  #hostLost(lost: HostLost): void {
    if (this.#lost) return;
    this.#lost = true;
    this.events.emit('host-lost', lost);
  }
}
