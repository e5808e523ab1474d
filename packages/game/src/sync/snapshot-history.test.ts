import { describe, expect, it } from 'vitest';
import { frameFromEntities } from '../codec/world-frame.ts';
import { testSchema } from '../test-utils/test-game.ts';
import { SnapshotHistory } from './snapshot-history.ts';

describe('SnapshotHistory of a world standing still', () => {
  it('stops taking new seqs after a few still snapshots, so a resting client keeps its baseline however long it rests', () => {
    const history = new SnapshotHistory(testSchema, 64);
    const world = new Map([[1, { x: 10, y: 20, heading: 0, kind: 1 }]]);
    history.take(1, frameFromEntities(testSchema, world));
    world.get(1)!.x = 11;
    const moved = history.take(2, frameFromEntities(testSchema, world));
    expect(history.changedSeq).toBe(moved);
    for (let tick = 3; tick < 500; tick++) history.take(tick, frameFromEntities(testSchema, world));
    // Eight still snapshots, then the same seq: 500 ticks of rest did not evict the baseline the client acked.
    expect(history.latestSeq).toBe(moved + 8);
    expect(history.frozen).toBe(true);
    expect(history.frame(moved)).toBeDefined();
    // Against that baseline the standing world is the one-byte "identical" snapshot.
    expect(history.encodeLatest(moved).data).toEqual(new Uint8Array([1]));
    world.get(1)!.x = 12;
    expect(history.take(500, frameFromEntities(testSchema, world))).toBe(moved + 9);
    expect(history.frozen).toBe(false);
  });
});
