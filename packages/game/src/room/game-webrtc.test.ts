// The same game between real WebRTC peers in Node (PeerJS signalling, node-datachannel), on the real
// unordered, never-retransmitted unreliable lane.
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { hostRoom, joinRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runConvergence } from '../test-utils/scenario.ts';

describe('host and two players over real WebRTC (Node peers)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    installNodeWebRTC();
    server = await startServer({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    cleanupNodeWebRTC();
  });

  it('keep the game state in sync', async () => {
    const signalling = { host: server.host, port: server.port, path: server.path };
    const hostId = `arena-host-${Date.now()}`;
    const host = hostRoom({ transport: await createPeerJsTransport({ ...signalling, id: hostId }), name: 'Host' });
    await runConvergence(host, async () => joinRoom({ transport: await createPeerJsTransport(signalling), hostId, name: 'Player' }));
  }, 30_000);
});
