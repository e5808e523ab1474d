import { entitiesFromFrame, frameFromEntities, InterpolationBuffer, PlaybackClock } from '@beckon/game';
import type { EntityState, GameHost, InterpolationOptions } from '@beckon/game';

/**
 * What the host draws: every snapshot it sends, put through the same interpolation members use, with its own
 * avatar live on top. Drawing the simulation itself would show each member's inputs as they arrive, in bursts
 * (two in one tick, none in the next), so the other players would jitter on the host's screen alone.
 */
export class HostView {
  readonly interpolation: InterpolationBuffer;
  readonly clock = new PlaybackClock();
  readonly #host: GameHost;

  constructor(host: GameHost, options: InterpolationOptions) {
    this.#host = host;
    this.interpolation = new InterpolationBuffer(host.rules.schema, options);
  }

  /**
   * Call for each snapshot the host takes (GameHost's `onSnapshot`): the world as members will see it. Keyed by the
   * local time it was taken, not by its tick: on a busy page the fixed-tick loop falls behind and catches up in
   * bursts, and tick times would then run behind the clock, so the picture would jump to the newest snapshot.
   */
  snapshot(now = performance.now()): void {
    const schema = this.#host.rules.schema;
    // Through the wire format and back, so the host shows exactly the quantised values members get.
    this.interpolation.push(now, entitiesFromFrame(schema, frameFromEntities(schema, this.#host.world)));
    this.clock.observe(now, now);
  }

  /** Entities to draw at local time `now`: the others `delayMs` in the past, `ownAvatar` as simulated now. */
  view(ownAvatar: number, now = performance.now()): Map<number, EntityState> {
    const time = this.clock.renderTime(now, this.interpolation.delayMs);
    const entities = time === undefined ? new Map<number, EntityState>() : this.interpolation.sample(time);
    const own = this.#host.world.get(ownAvatar);
    if (own) entities.set(ownAvatar, { ...own });
    return entities;
  }
}
