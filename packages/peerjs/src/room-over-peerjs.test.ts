import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { describeRoomSuite } from '../../core/src/test-utils/room-suite.ts';
import { afterAll } from 'vitest';
import { cleanupNodeWebRTC, installNodeWebRTC } from './node.ts';
import { createPeerJsTransport } from './peerjs-transport.ts';
import type { PeerJsTransport } from './peerjs-transport.ts';

// One real PeerServer for the file; every test gets fresh peers on it, over real WebRTC (node-datachannel).
let server: Promise<RunningServer> | undefined;
const open: PeerJsTransport[] = [];

afterAll(async () => {
  for (const transport of open) await transport.close().catch(() => undefined);
  await (await server)?.close();
  cleanupNodeWebRTC();
});

describeRoomSuite('peerjs over node-datachannel', async () => {
  installNodeWebRTC();
  server ??= startServer({ port: 0 });
  const { host, port, path } = await server;
  return {
    async transport(id) {
      const transport = await createPeerJsTransport({ host, port, path, id });
      open.push(transport);
      return transport;
    },
    async cleanup() {},
  };
});
