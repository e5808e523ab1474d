import type { EntitySchema } from '../codec/schema.ts';
import type { ApplyInput } from '../prediction/predictor.ts';

/** What host and clients of one game share: the entity schema, the tick rate and the avatar's movement. */
export interface GameRules {
  readonly schema: EntitySchema;
  /** Simulation ticks per second, the same on host and clients. Default 60. */
  readonly tickRate?: number;
  /** Moves an avatar by one input over one tick; runs on the host and, for prediction, on its player's client. */
  readonly applyInput: ApplyInput;
}

export const defaultTickRate = 60;
