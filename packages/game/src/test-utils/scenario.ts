import type { HostRoom, MemberRoom } from '@beckon/core';
import { expect } from 'vitest';
import type { EntityState } from '../codec/schema.ts';
import { GameClient } from '../room/game-client.ts';
import { GameHost } from '../room/game-host.ts';
import { testRules, testSchema } from './test-game.ts';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Host + two players on any transport: a host simulation with 20 drifting props (which stop after a while) and
 * one avatar per player; player A steers right, B steers down; then everyone stops and the state must agree.
 */
export async function runConvergence(hostRoom: HostRoom, join: () => Promise<MemberRoom>): Promise<{ ackGaps: number; acksAdvanced: number }> {
  const acks = { ackGaps: 0, acksAdvanced: 0 };
  let moving = true;
  const props: number[] = [];
  const host = new GameHost(hostRoom, {
    rules: testRules,
    snapshotRate: 20,
    step: (dt) => {
      if (!moving) return;
      for (const id of props) {
        const prop = host.world.get(id)!;
        prop['x'] = (prop['x']! + 30 * dt) % 1024;
        prop['heading'] = (prop['heading']! + dt) % (2 * Math.PI);
      }
    },
  });
  for (let i = 0; i < 20; i++) props.push(host.spawn({ x: i * 40, y: 500, heading: 0, kind: 2 }));
  hostRoom.on('join', ({ participant }) => host.setAvatar(participant.id, host.spawn({ x: 200, y: 200, heading: 0, kind: 1 })));
  host.start();

  const [roomA, roomB] = [await join(), await join()];
  const a = new GameClient(roomA, { rules: testRules });
  const b = new GameClient(roomB, { rules: testRules });
  a.start();
  b.start();
  try {
    await expect.poll(() => a.avatar !== 0 && b.avatar !== 0, { timeout: 5000 }).toBe(true);
    const startA = { ...host.world.get(a.avatar)! };
    a.setControls({ moveX: 1 });
    b.setControls({ moveY: 1 });
    // A's own screen moves at once, before any snapshot could confirm it.
    const predictedBefore = a.predictor.state!['x']!;
    await pause(50);
    expect(a.predictor.state!['x']!).toBeGreaterThan(predictedBefore);
    // B sees A move, interpolated.
    await expect.poll(() => (b.view().get(a.avatar)?.['x'] ?? 0) > startA['x']! + 40, { timeout: 5000 }).toBe(true);
    await pause(500);
    a.setControls({});
    b.setControls({});
    moving = false;
    await pause(600);

    const world = new Map([...host.world].map(([id, state]): [number, EntityState] => [id, testSchema.round(state)]));
    const hostA = world.get(a.avatar)!;
    expect(hostA['x']! - startA['x']!).toBeGreaterThan(100);
    expect(world.get(b.avatar)!['y']).toBeGreaterThan(300);
    for (const client of [a, b]) {
      // Every entity, bit for bit, in the newest authoritative state...
      expect(client.latest!.entities).toEqual(world);
      // ...on screen (remote avatars interpolated, the own one predicted) ...
      const view = client.view();
      for (const [id, state] of world) {
        expect(view.get(id)!['x']).toBeCloseTo(state['x']!, 1);
        expect(view.get(id)!['y']).toBeCloseTo(state['y']!, 1);
      }
      // ...over deltas against acknowledged baselines, with no input lost.
      const link = host.clients.get(client.room.selfId)!;
      expect(link.snapshotsSent).toBeGreaterThan(10);
      // Once everyone stood still and the client had the standing world, the host stopped sending it snapshots.
      expect(link.snapshotsSkipped).toBeGreaterThan(3);
      expect(link.fullSnapshotsSent).toBeLessThan(link.snapshotsSent / 4);
      expect(link.inputs.missed).toBe(0);
      expect(client.predictor.snaps).toBe(0);
      acks.ackGaps += link.ackGaps;
      acks.acksAdvanced += link.acksAdvanced;
    }
  } finally {
    a.dispose();
    b.dispose();
    host.dispose();
    await roomA.leave();
    await roomB.leave();
    await hostRoom.close();
  }
  return acks;
}
