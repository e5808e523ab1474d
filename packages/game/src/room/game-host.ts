import type { HostRoom, LaneName, Participant } from '@beckon/core';
import type { EntityState } from '../codec/schema.ts';
import { frameFromEntities } from '../codec/world-frame.ts';
import { InputBatch, Snapshot, SnapshotAck } from '../gen/game.ts';
import { FixedStepLoop } from '../loop/fixed-step-loop.ts';
import { InputQueue, quantiseAxis } from '../sync/inputs.ts';
import type { Controls } from '../sync/inputs.ts';
import { SnapshotHistory } from '../sync/snapshot-history.ts';
import { defaultTickRate } from './rules.ts';
import type { GameRules } from './rules.ts';

export interface GameHostOptions {
  readonly rules: GameRules;
  /** Snapshots per second to each client. Default 20. */
  readonly snapshotRate?: number;
  /** Snapshots kept as delta baselines. Default 64 (3.2 s at 20 Hz). */
  readonly historySize?: number;
  /** Inputs of one player applied per tick at most, so a backlog drains without letting anyone run faster. Default 2. */
  readonly maxInputsPerTick?: number;
  /** The rest of the game, once per tick after the inputs: spawn things, move them, score. */
  readonly step?: (dtSeconds: number, tick: number) => void;
  /** After a stall, at most this many ticks run at once to catch up (the rest of the stall is lost time). Default 15. */
  readonly maxCatchUp?: number;
  /** Send snapshots on this lane instead of Snapshot's own (unreliable); for comparisons, such as the benchmark's. */
  readonly lane?: LaneName;
  /** Called after each snapshot was sent. */
  readonly onSnapshot?: (seq: number, tick: number) => void;
}

/** What the host knows about one client. */
export interface ClientLink {
  /** Newest snapshot the client acknowledged. */
  ack: number;
  readonly inputs: InputQueue;
  snapshotsSent: number;
  /** Snapshot times with nothing new for this client (the world stood still and it had it): nothing sent. */
  snapshotsSkipped: number;
  /** Avatar named in the last snapshot sent (-1 before the first). */
  avatarSent: number;
  /** Seq of the last snapshot sent identical to its baseline (the world standing still), 0 for none. */
  quietAt: number;
  fullSnapshotsSent: number;
  /** Acks that moved `ack` on, and the seqs they skipped (snapshots or acks lost: loss over the round trip). */
  acksAdvanced: number;
  ackGaps: number;
  /** Snapshot payload bytes sent (the bit-packed data only). */
  bytesSent: number;
}

/**
 * The authoritative side of a game: owns the world, applies each player's inputs at a fixed tick, runs the
 * game's `step`, and sends each client a snapshot delta-compressed against the last one it acknowledged; while the
 * world stands still, none to a client that has acknowledged it standing.
 * Runs wherever the HostRoom runs: a browser tab or a Node process.
 */
export class GameHost {
  readonly room: HostRoom;
  readonly rules: GameRules;
  readonly tickRate: number;
  readonly snapshotRate: number;
  readonly history: SnapshotHistory;
  /** The world: entity id to state. Game code reads and writes it freely between ticks. */
  readonly world = new Map<number, EntityState>();
  readonly clients = new Map<string, ClientLink>();
  readonly loop: FixedStepLoop;
  readonly #avatars = new Map<string, number>();
  readonly #options: GameHostOptions;
  readonly #unsubscribe: (() => void)[] = [];
  #nextId = 1;
  #localSeq = 0;

  constructor(room: HostRoom, options: GameHostOptions) {
    this.room = room;
    this.rules = options.rules;
    this.#options = options;
    this.tickRate = options.rules.tickRate ?? defaultTickRate;
    this.snapshotRate = options.snapshotRate ?? 20;
    this.history = new SnapshotHistory(options.rules.schema, options.historySize ?? 64);
    this.loop = new FixedStepLoop({ rateHz: this.tickRate, step: (tick) => this.#tick(tick), maxCatchUp: options.maxCatchUp ?? 15 });
    this.#unsubscribe.push(
      room.on(InputBatch, (batch, meta) => {
        const client = this.clients.get(meta.from);
        if (!client) return;
        this.#acknowledge(client, batch.ack);
        client.inputs.receive(batch.inputs);
      }),
      room.on(SnapshotAck, (ack, meta) => {
        const client = this.clients.get(meta.from);
        if (client) this.#acknowledge(client, ack.ack);
      }),
      room.on('join', ({ participant }) => this.#addClient(participant)),
      room.on('leave', ({ participant }) => this.clients.delete(participant.id)),
    );
    for (const participant of room.participants) if (participant.id !== room.selfId) this.#addClient(participant);
    // The host may play too: its inputs go through a queue like everyone's, without the network.
    this.clients.set(room.selfId, newClient());
  }

  get tick(): number {
    return this.loop.tick;
  }

  /** Adds an entity; returns its id (ids start at 1; 0 means "none" on the wire). */
  spawn(state: EntityState, id = this.#nextId++): number {
    this.world.set(id, state);
    if (id >= this.#nextId) this.#nextId = id + 1;
    return id;
  }

  despawn(id: number): void {
    this.world.delete(id);
  }

  /** Makes `entityId` the avatar `participantId` steers (and predicts), or takes it away. */
  setAvatar(participantId: string, entityId: number | undefined): void {
    if (entityId === undefined) this.#avatars.delete(participantId);
    else this.#avatars.set(participantId, entityId);
  }

  avatarOf(participantId: string): number | undefined {
    return this.#avatars.get(participantId);
  }

  /** Every participant's avatar. */
  avatars(): ReadonlyMap<string, number> {
    return this.#avatars;
  }

  /**
   * Takes over a world another host ran (host migration): its entities with their ids, its avatars and its tick, so
   * ids the players know keep meaning the same things and new ones never collide with them.
   */
  restore(entities: ReadonlyMap<number, EntityState>, avatars: ReadonlyMap<string, number>, tick: number): void {
    this.world.clear();
    for (const [id, state] of entities) this.spawn({ ...state }, id);
    this.#avatars.clear();
    for (const [participant, entity] of avatars) if (this.world.has(entity)) this.#avatars.set(participant, entity);
    this.loop.tick = Math.max(this.loop.tick, tick);
  }

  /** The host's own player's controls for the next tick. */
  input(controls: Controls): void {
    this.clients.get(this.room.selfId)?.inputs.receive([
      { seq: ++this.#localSeq, buttons: (controls.buttons ?? 0) >>> 0, moveX: quantiseAxis(controls.moveX ?? 0), moveY: quantiseAxis(controls.moveY ?? 0) },
    ]);
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  dispose(): void {
    this.stop();
    for (const off of this.#unsubscribe.splice(0)) off();
  }

  /** Runs one tick now (tests and benchmarks drive the host by hand). */
  step(): void {
    this.#tick(++this.loop.tick);
  }

  #tick(tick: number): void {
    const dt = 1 / this.tickRate;
    const limit = this.#options.maxInputsPerTick ?? 2;
    for (const [participantId, client] of this.clients) {
      const avatarId = this.#avatars.get(participantId);
      const avatar = avatarId === undefined ? undefined : this.world.get(avatarId);
      for (let i = 0; i < limit; i++) {
        const input = client.inputs.next();
        if (!input) break;
        if (avatar) this.rules.applyInput(avatar, input, dt);
      }
    }
    this.#options.step?.(dt, tick);
    // Snapshot on the ticks where the snapshot clock crosses a boundary: 60 Hz / 20 Hz = every third tick.
    if (Math.floor((tick * this.snapshotRate) / this.tickRate) !== Math.floor(((tick - 1) * this.snapshotRate) / this.tickRate)) {
      this.sendSnapshot(tick);
    }
  }

  /** Takes a snapshot of the world and sends it to every client. */
  sendSnapshot(tick = this.loop.tick): void {
    const seq = this.history.take(tick, frameFromEntities(this.rules.schema, this.world));
    const changed = this.history.changedSeq;
    for (const [participantId, client] of this.clients) {
      if (participantId === this.room.selfId) continue;
      const avatar = this.#avatars.get(participantId) ?? 0;
      // Nothing new for a client that has seen the world stand still (it decoded a snapshot identical to its baseline:
      // two equal samples, so its interpolation rests instead of running on) and has its avatar: it hears nothing
      // until something moves. A frozen history has no newer seq to offer one that has the newest.
      const seenStill = client.quietAt >= changed && client.ack >= client.quietAt;
      if ((seenStill || (this.history.frozen && client.ack === this.history.latestSeq)) && client.avatarSent === avatar) {
        client.snapshotsSkipped++;
        continue;
      }
      const encoded = this.history.encodeLatest(client.ack);
      // Encoded against a baseline of the world as it is now: an "identical" snapshot.
      if (encoded.baseline >= changed && encoded.baseline !== 0) client.quietAt = encoded.seq;
      this.room.send(
        Snapshot,
        {
          seq: encoded.seq,
          baseline: encoded.baseline,
          tick: encoded.tick,
          lastInput: client.inputs.lastApplied,
          avatar,
          data: encoded.data,
        },
        this.#options.lane === undefined ? { to: participantId } : { to: participantId, lane: this.#options.lane },
      );
      client.snapshotsSent++;
      client.avatarSent = avatar;
      if (encoded.baseline === 0) client.fullSnapshotsSent++;
      client.bytesSent += encoded.data.length;
    }
    this.#options.onSnapshot?.(seq, tick);
  }

  #acknowledge(client: ClientLink, ack: number): void {
    // Acks travel unordered: keep the newest, and never one for a snapshot not sent yet.
    if (ack > client.ack && ack <= this.history.latestSeq) {
      // Seqs skipped between two acks: a snapshot or its ack was lost (a round trip's loss, for overlays).
      if (client.ack > 0) client.ackGaps += ack - client.ack - 1;
      client.acksAdvanced++;
      client.ack = ack;
    }
  }

  #addClient(participant: Participant): void {
    if (participant.role === 'host') return;
    // A new session (a join or a rejoin) starts from a full snapshot and a fresh input sequence.
    this.clients.set(participant.id, newClient());
  }
}

function newClient(): ClientLink {
  return { ack: 0, inputs: new InputQueue(), snapshotsSent: 0, snapshotsSkipped: 0, avatarSent: -1, quietAt: 0, acksAdvanced: 0, ackGaps: 0, fullSnapshotsSent: 0, bytesSent: 0 };
}
