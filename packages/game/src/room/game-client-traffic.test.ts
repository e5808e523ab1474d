import type { MemberRoom } from '@beckon/core';
import { describe, expect, it } from 'vitest';
import { encodeFull } from '../codec/delta.ts';
import { frameFromEntities } from '../codec/world-frame.ts';
import { InputBatch } from '../gen/game.ts';
import type { Snapshot } from '../gen/game.ts';
import { InputQueue } from '../sync/inputs.ts';
import type { Input } from '../sync/inputs.ts';
import { testRules, testSchema } from '../test-utils/test-game.ts';
import { GameClient } from './game-client.ts';

/** Just enough of a MemberRoom to see what a GameClient sends. */
function fakeRoom(): { room: MemberRoom; batches: { ack: number; inputs: Input[] }[] } {
  const batches: { ack: number; inputs: Input[] }[] = [];
  const room = {
    state: 'open',
    on: () => () => {},
    send: (type: unknown, value: { ack: number; inputs: Input[] }) => {
      if (type === InputBatch) batches.push(value);
    },
  } as unknown as MemberRoom;
  return { room, batches };
}

const snapshot = (seq: number): Snapshot => ({
  seq,
  baseline: 0,
  tick: seq * 3,
  lastInput: 0,
  avatar: 0,
  data: encodeFull(testSchema, frameFromEntities(testSchema, new Map([[1, { x: 1, y: 2, heading: 0, kind: 0 }]]))),
});

describe('GameClient traffic', () => {
  it('sends nothing while its player stands still and no snapshot arrives', () => {
    const { room, batches } = fakeRoom();
    const client = new GameClient(room, { rules: testRules });
    for (let tick = 0; tick < 120; tick++) client.tickOnce();
    expect(batches).toEqual([]);
    expect(client.sent.idleTicks).toBe(120);
    // A snapshot is acked at once, without inputs to carry.
    client.receive(snapshot(1));
    expect(batches).toEqual([{ ack: 1, inputs: [] }]);
  });

  it('sends a change at once and held controls a few ticks per packet, as change points', () => {
    const { room, batches } = fakeRoom();
    const client = new GameClient(room, { rules: testRules });
    client.setControls({ moveX: 1 });
    for (let tick = 0; tick < 60; tick++) client.tickOnce();
    // 60 ticks held and no snapshot to ack: the change (tick 1), then one packet per 4 ticks up to tick 57, not one per tick.
    expect(batches.length).toBe(15);
    // Every packet repeats the 12 unacknowledged ticks as two entries: the change point and the newest.
    const last = batches.at(-1)!.inputs;
    expect(last.map((input) => input.seq)).toEqual([46, 57]);
    // An ack goes as a snapshot arrives and carries the held inputs: the next held packet waits 4 ticks from it.
    client.receive(snapshot(1));
    expect(batches.at(-1)!.inputs.at(-1)!.seq).toBe(60);
    for (let tick = 0; tick < 3; tick++) client.tickOnce();
    expect(batches.at(-1)!.inputs.at(-1)!.seq).toBe(60);
    expect(InputBatch.encode({ ack: 0, inputs: last }).length).toBeLessThan(16);
    client.setControls({});
    client.tickOnce();
    expect(batches.at(-1)!.inputs.at(-1)).toMatchObject({ seq: 64, moveX: 0 });
    const before = batches.length;
    for (let tick = 0; tick < 60; tick++) client.tickOnce();
    expect(batches.length).toBe(before);
  });

  it('the host fills the gaps between change points, so every tick is applied, and bounds what a packet can make it queue', () => {
    const { room, batches } = fakeRoom();
    const client = new GameClient(room, { rules: testRules });
    const queue = new InputQueue();
    client.setControls({ moveX: 1 });
    for (let tick = 0; tick < 9; tick++) {
      if (tick === 4) client.setControls({ moveX: -1 });
      client.tickOnce();
      const batch = batches.splice(0).at(-1);
      if (batch) queue.receive(batch.inputs);
    }
    // Sent at ticks 1 (a change), 5 (a change) and 9 (held).
    const applied: Input[] = [];
    for (let input = queue.next(); input; input = queue.next()) applied.push(input);
    expect(applied.map((input) => [input.seq, input.moveX])).toEqual([
      [1, 127],
      [2, 127],
      [3, 127],
      [4, 127],
      [5, -127],
      [6, -127],
      [7, -127],
      [8, -127],
      [9, -127],
    ]);
    expect(queue.missed).toBe(0);
    // A hostile packet claiming a gap of two billion ticks queues at most the queue's bound.
    const hostile = new InputQueue(16);
    hostile.receive([
      { seq: 1, buttons: 0, moveX: 1, moveY: 0 },
      { seq: 2 ** 31, buttons: 0, moveX: 1, moveY: 0 },
    ]);
    expect(hostile.length).toBeLessThanOrEqual(16);
  });
});
