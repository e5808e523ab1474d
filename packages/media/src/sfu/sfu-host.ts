import { BeckonError } from '@beckon/core';
import { SfuAuthority } from './sfu-authority.ts';
import type { SfuPass } from './sfu-link.ts';

export type Topology = 'p2p' | 'sfu';

export interface SfuHostOptions {
  readonly choice: Topology | 'auto';
  /** Participants from which `auto` uses the SFU (back to p2p below `threshold - 2`). */
  readonly threshold: number;
  /** `POST` here for a room (beckon serve --sfu: `/sfu/rooms`). */
  readonly rooms: string | undefined;
  /** The room arrived: decide again. */
  readonly onRoom: () => void;
  readonly onError: (error: BeckonError) => void;
  /** Sends a member its pass on the reliable lane; false when it could not go out. */
  readonly sendPass: (participantId: string, pass: SfuPass) => boolean;
}

/** What the host's roster carries after a decision. */
export interface SfuDecision {
  readonly topology: Topology;
  /** Feed id per participant (0: none). */
  feedOf(participantId: string): number;
  /** The host's own pass while the SFU carries media. */
  readonly hostPass: SfuPass | undefined;
}

/**
 * The host's choice of topology and its hold on the SFU room: asks the server for a room when the SFU is wanted,
 * keeps exactly the roster's publishers holding tokens, and sends each member its pass once Janus knows it.
 */
export class SfuHost {
  readonly #options: SfuHostOptions;
  #topology: Topology = 'p2p';
  #sfu: SfuAuthority | undefined;
  #pending: 'asking' | 'failed' | undefined;
  /** The pass last sent to each member, so a pass goes out only when it changes (or the member rejoined). */
  readonly #passes = new Map<string, string>();
  #closed = false;

  constructor(options: SfuHostOptions) {
    this.#options = options;
  }

  /** Decides for `participants` (the host included) with these members allowed to publish. */
  decide(selfId: string, participants: readonly string[], publishers: ReadonlySet<string>): SfuDecision {
    const { choice, threshold } = this.#options;
    const size = participants.length;
    const wantSfu = choice === 'sfu' || (choice === 'auto' && (size >= threshold || (this.#topology === 'sfu' && size >= threshold - 2)));
    if (wantSfu && !this.#sfu && this.#pending === undefined) this.#requestRoom();
    const sfu = wantSfu ? this.#sfu : undefined;
    this.#topology = sfu ? 'sfu' : 'p2p';
    // Back to p2p (auto, the room shrank): nobody keeps a token, so the room carries nothing behind the roster's back.
    this.#sfu?.setPublishers(sfu ? new Set([...publishers].filter((id) => id !== selfId)) : new Set());
    const present = new Set(participants);
    for (const id of present) if (id !== selfId && this.#sfu) this.#sendPass(this.#sfu, id, present);
    return {
      topology: this.#topology,
      feedOf: (id) => (!sfu ? 0 : id === selfId ? sfu.hostFeed : sfu.feedOf(id)),
      hostPass: sfu?.hostPass,
    };
  }

  /** A member rejoined (a reload): it lost its pass, which goes out again. */
  forget(participantId: string): void {
    this.#passes.delete(participantId);
  }

  close(): void {
    this.#closed = true;
    this.#sfu?.close();
  }

  #requestRoom(): void {
    const rooms = this.#options.rooms;
    if (rooms === undefined) {
      this.#pending = 'failed';
      this.#options.onError(new BeckonError('refused', 'topology "sfu" needs sfuRooms (beckon serve --sfu: <server>/sfu/rooms)'));
      return;
    }
    this.#pending = 'asking';
    SfuAuthority.create(rooms).then(
      (sfu) => {
        this.#pending = undefined;
        if (this.#closed) return sfu.close();
        this.#sfu = sfu;
        this.#options.onRoom();
      },
      (error: unknown) => {
        this.#pending = 'failed';
        this.#options.onError(error instanceof BeckonError ? error : new BeckonError('refused', String(error)));
      },
    );
  }

  #sendPass(sfu: SfuAuthority, id: string, present: ReadonlySet<string>): void {
    const { pass, ready } = sfu.passFor(id);
    const key = JSON.stringify(pass);
    if (this.#passes.get(id) === key) return;
    this.#passes.set(id, key);
    void ready.then(
      () => {
        // Still the current pass (not replaced or revoked meanwhile) and the member still here.
        if (this.#passes.get(id) !== key || !present.has(id) || this.#closed) return;
        if (!this.#options.sendPass(id, pass)) this.#passes.delete(id);
      },
      () => this.#passes.delete(id),
    );
  }
}
