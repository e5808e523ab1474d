import { encodeFrame } from '@beckon/core';
import { encodeDelta, frameFromEntities, Snapshot } from '@beckon/game';
import type { WorldFrame } from '@beckon/game';
import { makeScene, rules, snapshotRate } from '../game-scene.ts';

/** Game state sent as `@beckon/game` sends it, against compact JSON of the very same states. */
export interface GameStateBytes {
  readonly entities: number;
  readonly snapshots: number;
  /** Mean bytes of a snapshot frame as `GameHost` sends it: a delta in a `Snapshot` message in the envelope. */
  readonly beckon: number;
  /** Of which the bit-packed entities. */
  readonly data: number;
  /** Mean bytes of the same state as compact array JSON, floats rounded to 2 decimals. */
  readonly compactJson: number;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const textEncoder = new TextEncoder();

/**
 * The game-sync benchmark's scene (entities gliding, turning, bouncing off the walls) stepped at 60 Hz and
 * snapshotted at 20 Hz. Each snapshot is what `GameHost` sends a client: a delta against the snapshot two before it
 * (what a client a round trip away has acknowledged), as a `Snapshot` message in the unreliable lane's envelope
 * (type, payload, clock). Compact JSON carries the same state whole, as a careful developer without a delta codec
 * would send it: `[type, tick, [id, x, y, heading, kind, color]...]`.
 */
export function gameStateBytes(entities = 16, seconds = 10): GameStateBytes {
  const scene = makeScene(entities, 7);
  const tickRate = rules.tickRate ?? 60;
  const ticksPerSnapshot = tickRate / snapshotRate;
  const frames: WorldFrame[] = [];
  let beckon = 0;
  let data = 0;
  let compactJson = 0;
  let snapshots = 0;
  const warmup = 2;
  for (let tick = 1; tick <= seconds * tickRate; tick++) {
    scene.step(1 / tickRate);
    if (tick % ticksPerSnapshot !== 0) continue;
    const frame = frameFromEntities(rules.schema, scene.world);
    frames.push(frame);
    const seq = frames.length;
    if (seq <= warmup) continue;
    const bits = encodeDelta(rules.schema, frames[seq - 1 - warmup]!, frame);
    const payload = Snapshot.encode({ seq, baseline: seq - warmup, tick, lastInput: tick, avatar: 1, data: bits });
    beckon += encodeFrame({ type: Snapshot.id, payload, sentAt: Date.now() }).length;
    data += bits.length;
    const state = [...scene.world].map(([id, e]) => [id, round2(e['x']!), round2(e['y']!), round2(e['heading']!), e['kind'], e['color']]);
    compactJson += textEncoder.encode(JSON.stringify([6, tick, state])).length;
    snapshots++;
  }
  return { entities, snapshots, beckon: beckon / snapshots, data: data / snapshots, compactJson: compactJson / snapshots };
}
