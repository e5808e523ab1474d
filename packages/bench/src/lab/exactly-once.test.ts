import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { hostRoom, joinRoom, messageType, rootFromJson } from '@beckon/core';
import type { HostRoom, MemberRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupLabWebRTC, installLabWebRTC, useRelay } from './node-webrtc.ts';
import { ImpairedRelay } from './relay.ts';

// A reliable event and a reliable action, numbered so order and duplicates show.
const root = rootFromJson({
  nested: {
    lab: {
      nested: {
        Tick: { options: { '(beckon.policy)': 'NOBODY' }, fields: { n: { type: 'uint32', id: 1 } } },
        Tock: { fields: { n: { type: 'uint32', id: 1 } } },
      },
    },
  },
});
const Tick = messageType<{ n: number }>(root, 'lab.Tick');
const Tock = messageType<{ n: number }>(root, 'lab.Tock');

let server: RunningServer | undefined;
const relay = new ImpairedRelay();
const rooms: (HostRoom | MemberRoom)[] = [];

afterAll(async () => {
  for (const room of rooms) await ('leave' in room ? room.leave() : room.close()).catch(() => {});
  await relay.close();
  await server?.close();
  cleanupLabWebRTC();
});

describe('reliable lane over a lossy link', () => {
  it('delivers every reliable event and action exactly once, in order, through 25 ms and 5% loss', async () => {
    installLabWebRTC();
    server = await startServer({ port: 0 });
    const signal = { host: server.host, port: server.port, path: server.path };
    useRelay(relay);
    const host = hostRoom({ transport: await createPeerJsTransport({ ...signal, id: `lossy-host-${Date.now()}` }), types: [Tick, Tock] });
    rooms.push(host);
    const ticks: number[] = [];
    const member = await joinRoom({ transport: await createPeerJsTransport(signal), hostId: host.transport.localId, types: [Tick, Tock] }, (room) =>
      room.on(Tick, (tick) => ticks.push(tick.n)),
    );
    rooms.push(member);
    useRelay(undefined);
    const tocks: number[] = [];
    host.on(Tock, (tock) => tocks.push(tock.n));

    relay.impairment = { delayMs: 25, jitterMs: 2, loss: 0.05 };
    const droppedBefore = relay.stats.dropped;
    const count = 300;
    for (let n = 1; n <= count; n++) {
      host.send(Tick, { n });
      member.send(Tock, { n });
      if (n % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 16));
    }
    const deadline = Date.now() + 20_000;
    while ((ticks.length < count || tocks.length < count) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const expected = Array.from({ length: count }, (_, i) => i + 1);
    expect(ticks).toEqual(expected);
    expect(tocks).toEqual(expected);
    // The link really lost packets on the way.
    expect(relay.stats.dropped - droppedBefore).toBeGreaterThan(5);
  }, 40_000);
});
