import type { LaneName, MemberRoom } from '@beckon/core';
import type { EntityState } from '../codec/schema.ts';
import { entitiesFromFrame } from '../codec/world-frame.ts';
import { InputBatch, Snapshot, SnapshotAck } from '../gen/game.ts';
import { InterpolationBuffer } from '../interpolation/interpolation-buffer.ts';
import type { InterpolationOptions } from '../interpolation/interpolation-buffer.ts';
import { PlaybackClock } from '../interpolation/playback-clock.ts';
import { FixedStepLoop } from '../loop/fixed-step-loop.ts';
import { Predictor } from '../prediction/predictor.ts';
import type { PredictorOptions } from '../prediction/predictor.ts';
import { InputHistory, isNeutral, quantiseAxis, sameControls } from '../sync/inputs.ts';
import type { Controls, Input } from '../sync/inputs.ts';
import { SnapshotReceiver } from '../sync/snapshot-receiver.ts';
import { RateMeter } from './rate-meter.ts';
import { defaultTickRate } from './rules.ts';
import type { GameRules } from './rules.ts';

export interface GameClientOptions {
  readonly rules: GameRules;
  readonly interpolation?: InterpolationOptions;
  /** Smoothing of the player's own avatar (see Predictor). */
  readonly prediction?: Pick<PredictorOptions, 'smoothFields' | 'snapDistance' | 'correctionHalfLifeMs'>;
  /** Ticks of unacknowledged inputs repeated in every packet (as change points: cheap). Default 12 (200 ms at 60 Hz). */
  readonly inputRedundancy?: number;
  /**
   * While controls are held, a packet goes at least every this many ticks, a few ticks per packet. Acks go as snapshots
   * arrive and carry the held inputs too (at 20 snapshots/s they go first, so held controls cost no packets of their
   * own); a change goes at once. Default: the ticks per 15 Hz (4 at 60 Hz); 1 sends every tick.
   */
  readonly inputBatchTicks?: number;
  /**
   * Ticks whose controls are neutral (no button, stick centred) and unchanged are neither sent nor predicted: a
   * player standing still sends nothing. It needs `applyInput` with neutral controls to leave the avatar as it is
   * (the host applies nothing when no input came). Default true; false sends every tick, as before.
   */
  readonly skipIdleInputs?: boolean;
  /** Baselines kept; at least the host's history size. Default 64. */
  readonly historySize?: number;
  /** False for a spectator: no inputs, snapshot acks only. Default true. */
  readonly sendInputs?: boolean;
  /** Send inputs and acks on this lane instead of their own (unreliable); for comparisons. */
  readonly lane?: LaneName;
  readonly now?: () => number;
}

/** The newest authoritative state received. */
export interface AuthoritativeState {
  readonly seq: number;
  readonly tick: number;
  readonly entities: ReadonlyMap<number, EntityState>;
}

/**
 * A player's side of a game: sends its controls when they change and, while held, with its acks or a few ticks per packet (with the
 * unacknowledged ones as change points, for redundancy), acks snapshots as they arrive, predicts its own avatar, and
 * shows everything else interpolated a little in the past. Standing still with nothing arriving, it sends nothing.
 */
export class GameClient {
  readonly room: MemberRoom;
  readonly rules: GameRules;
  readonly tickRate: number;
  readonly receiver: SnapshotReceiver;
  readonly inputs: InputHistory;
  readonly interpolation: InterpolationBuffer;
  readonly clock = new PlaybackClock();
  readonly predictor: Predictor;
  readonly loop: FixedStepLoop;
  /** Snapshots decoded (rate) and their payload bytes (bytesPerSecond), over the last second. */
  readonly snapshotMeter: RateMeter;
  /** Entity id of this player's avatar, 0 until the host assigns one. */
  avatar = 0;
  /** Held controls, sampled once per tick. */
  controls: Controls = {};
  latest: AuthoritativeState | undefined;
  readonly #options: GameClientOptions;
  readonly #now: () => number;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #batchTicks: number;
  #lastView: number | undefined;
  #ticksSinceSent = 0;
  /** Input packets sent, and ticks skipped as idle. */
  readonly sent = { packets: 0, idleTicks: 0 };

  constructor(room: MemberRoom, options: GameClientOptions) {
    this.room = room;
    this.rules = options.rules;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.tickRate = options.rules.tickRate ?? defaultTickRate;
    this.receiver = new SnapshotReceiver(options.rules.schema, options.historySize ?? 64);
    this.inputs = new InputHistory(options.inputRedundancy ?? 12);
    this.#batchTicks = Math.max(1, options.inputBatchTicks ?? Math.round(this.tickRate / 15));
    this.interpolation = new InterpolationBuffer(options.rules.schema, options.interpolation);
    this.predictor = new Predictor({ ...options.prediction, applyInput: options.rules.applyInput, dt: 1 / this.tickRate });
    this.snapshotMeter = new RateMeter(1000, this.#now);
    this.loop = new FixedStepLoop({ rateHz: this.tickRate, step: () => this.#tick(), now: this.#now });
    this.#unsubscribe.push(room.on(Snapshot, (snapshot) => this.receive(snapshot)));
  }

  /** Sets the controls held from now on (keys, stick, pointer). */
  setControls(controls: Controls): void {
    this.controls = controls;
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

  /** Handles one snapshot message (the room calls this; tests may too). */
  receive(snapshot: Snapshot): void {
    const received = this.receiver.receive(snapshot);
    // Acked even when unusable (a repeat whose ack was lost): the host resends until it hears one.
    if (this.#options.sendInputs === false) this.#send(() => this.room.send(SnapshotAck, { ack: this.receiver.ack }, this.#sendOptions()));
    else if (this.room.state === 'open') this.#sendPacket(); // at once: the younger the baseline, the smaller the deltas
    if (!received) return;
    this.snapshotMeter.record(snapshot.data.length);
    const entities = entitiesFromFrame(this.rules.schema, received.frame);
    const hostTime = (received.tick * 1000) / this.tickRate;
    this.interpolation.push(hostTime, entities);
    if (!received.newest) return;
    this.clock.observe(hostTime, this.#now());
    this.latest = { seq: received.seq, tick: received.tick, entities };
    if (snapshot.avatar !== this.avatar) {
      this.avatar = snapshot.avatar;
      this.predictor.reset();
    }
    this.inputs.acknowledge(snapshot.lastInput);
    const own = this.avatar === 0 ? undefined : entities.get(this.avatar);
    if (own) this.predictor.reconcile(own, this.inputs.pending);
  }

  /**
   * What to draw at local time `now`: remote entities interpolated `delayMs` in the past, and this player's
   * avatar where prediction puts it (with corrections smoothed).
   */
  view(now = this.#now()): Map<number, EntityState> {
    if (this.#lastView !== undefined) this.predictor.decay(now - this.#lastView);
    this.#lastView = now;
    const time = this.clock.renderTime(now, this.interpolation.delayMs);
    const entities = time === undefined ? new Map<number, EntityState>() : this.interpolation.sample(time);
    const own = this.predictor.view();
    if (own && this.avatar !== 0 && (entities.has(this.avatar) || this.latest?.entities.has(this.avatar))) entities.set(this.avatar, own);
    return entities;
  }

  /** One client tick: sample the controls, predict, send the input packet with the ack. */
  tickOnce(): void {
    this.#tick();
  }

  #tick(): void {
    if (this.#options.sendInputs === false || this.room.state !== 'open') return;
    this.#ticksSinceSent++;
    const next: Input = { seq: 0, buttons: (this.controls.buttons ?? 0) >>> 0, moveX: quantiseAxis(this.controls.moveX ?? 0), moveY: quantiseAxis(this.controls.moveY ?? 0) };
    const previous = this.inputs.latest;
    // Before the first input the player was standing still.
    const changed = previous === undefined ? !isNeutral(next) : !sameControls(previous, next);
    if (this.#options.skipIdleInputs !== false && !changed && isNeutral(next)) {
      this.sent.idleTicks++;
      return;
    }
    const input = this.inputs.push(this.controls);
    this.predictor.predict(input);
    if (changed || this.#ticksSinceSent >= this.#batchTicks) this.#sendPacket();
  }

  #sendPacket(): void {
    this.#ticksSinceSent = 0;
    this.sent.packets++;
    const packet = this.inputs.packet();
    this.#send(() => this.room.send(InputBatch, { ack: this.receiver.ack, inputs: packet }, this.#sendOptions()));
  }

  #sendOptions(): { lane?: LaneName } {
    return this.#options.lane === undefined ? {} : { lane: this.#options.lane };
  }

  #send(send: () => void): void {
    try {
      send();
    } catch {
      // Not connected this instant (reconnecting): the next tick sends again, with the same inputs.
    }
  }
}
