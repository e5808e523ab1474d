import type { EntityState } from '../codec/schema.ts';
import type { Input } from '../sync/inputs.ts';

/** Moves an avatar by one input over one tick. Host and client run the same function, so it must be deterministic. */
export type ApplyInput = (avatar: EntityState, input: Input, dtSeconds: number) => void;

export interface PredictorOptions {
  readonly applyInput: ApplyInput;
  /** Seconds per tick. */
  readonly dt: number;
  /** Fields whose corrections are smoothed out instead of shown at once (positions). */
  readonly smoothFields?: readonly string[];
  /** A correction larger than this (distance over the smoothed fields) snaps: smoothing it would look like sliding. */
  readonly snapDistance?: number;
  /** Half of a smoothed correction is gone after this long. */
  readonly correctionHalfLifeMs?: number;
}

/**
 * Client-side prediction of the player's own avatar. Each input moves it at once (the game feels instant);
 * each authoritative snapshot resets it to the host's state and replays the inputs the host has not applied
 * yet. What the replay changes is a misprediction: small ones are kept as a visual offset that decays, so the
 * avatar glides to the corrected place instead of jumping.
 */
export class Predictor {
  readonly options: Required<PredictorOptions>;
  #state: EntityState | undefined;
  readonly #offset: Record<string, number> = {};
  /** Corrections seen, and how many snapped. */
  corrections = 0;
  snaps = 0;
  /** Size of the last correction. */
  lastError = 0;

  constructor(options: PredictorOptions) {
    this.options = { smoothFields: ['x', 'y'], snapDistance: 64, correctionHalfLifeMs: 60, ...options };
  }

  /** Predicted state at the newest input, without smoothing. */
  get state(): EntityState | undefined {
    return this.#state;
  }

  /** Applies a new input to the prediction. */
  predict(input: Input): void {
    if (this.#state) this.options.applyInput(this.#state, input, this.options.dt);
  }

  /** Resets to the host's state and replays `pending` (the inputs after the snapshot's last applied input). */
  reconcile(authoritative: EntityState, pending: readonly Input[]): void {
    const before = this.#state;
    const state = { ...authoritative };
    for (const input of pending) this.options.applyInput(state, input, this.options.dt);
    this.#state = state;
    if (!before) return;
    let squared = 0;
    for (const name of this.options.smoothFields) {
      const error = (before[name] ?? 0) - (state[name] ?? 0);
      squared += error * error;
    }
    const distance = Math.sqrt(squared);
    this.lastError = distance;
    if (distance === 0) return;
    this.corrections++;
    if (distance > this.options.snapDistance) {
      this.snaps++;
      for (const name of this.options.smoothFields) this.#offset[name] = 0;
      return;
    }
    // Show the old place for now; the offset shrinks to zero over the next frames.
    for (const name of this.options.smoothFields) this.#offset[name] = (this.#offset[name] ?? 0) + (before[name] ?? 0) - (state[name] ?? 0);
  }

  /** Lets the visual offset decay by `elapsedMs`. Call once per rendered frame. */
  decay(elapsedMs: number): void {
    const keep = 0.5 ** (elapsedMs / this.options.correctionHalfLifeMs);
    for (const name of this.options.smoothFields) {
      const value = (this.#offset[name] ?? 0) * keep;
      this.#offset[name] = Math.abs(value) < 1e-3 ? 0 : value;
    }
  }

  /** The state to draw: the prediction plus what is left of the last corrections. */
  view(): EntityState | undefined {
    if (!this.#state) return undefined;
    const out = { ...this.#state };
    for (const name of this.options.smoothFields) out[name] = (out[name] ?? 0) + (this.#offset[name] ?? 0);
    return out;
  }

  reset(): void {
    this.#state = undefined;
    for (const name of this.options.smoothFields) this.#offset[name] = 0;
  }
}
