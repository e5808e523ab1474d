import { hostRoom, joinRoom } from '@beckon/core';
import { LoopbackNetwork } from '@beckon/core/testing';
import { describe, expect, it } from 'vitest';
import { runConvergence } from '../test-utils/scenario.ts';
import { seeded } from '../test-utils/test-game.ts';

describe('host and two players over the loopback transport', () => {
  it('converge through 20% loss on the unreliable lane', async () => {
    let lost = 0;
    let packets = 0;
    const random = seeded(21);
    const network = new LoopbackNetwork({
      lossRate: 0.2,
      random: () => {
        const r = random();
        packets++;
        if (r < 0.2) lost++;
        return r;
      },
    });
    const host = hostRoom({ transport: network.transport('arena-host'), name: 'Host' });
    let n = 0;
    const acks = await runConvergence(host, () => joinRoom({ transport: network.transport(`player-${++n}`), hostId: 'arena-host', name: `P${n}` }));
    // Loss really happened (some 100 snapshots, input packets and heartbeats went through the lossy lane).
    expect(packets).toBeGreaterThan(60);
    expect(lost).toBeGreaterThan(8);
    // The host sees the round trip's loss in the seqs its clients' acks skipped (the arena's overlay shows it).
    expect(acks.ackGaps).toBeGreaterThan(0);
    expect(acks.ackGaps / (acks.ackGaps + acks.acksAdvanced)).toBeLessThan(0.6);
  }, 20_000);
});
