// Byte streams between real WebRTC peers in Node (PeerJS signalling through a real PeerServer, node-datachannel):
// 20 MiB each way, chunk by chunk under the receiver's credit, checked byte for byte by hash.
import { createHash } from 'node:crypto';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { hostRoom, joinRoom } from '@beckon/core';
import type { HostRoom, MemberRoom } from '@beckon/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupNodeWebRTC, installNodeWebRTC } from './node.ts';
import { createPeerJsTransport } from './peerjs-transport.ts';

const size = 20 * 1024 * 1024;

/** 20 MiB of pseudo-random bytes, made 1 MiB at a time as the stream pulls (the sender never holds them all). */
function source(seed: number): { stream: ReadableStream<Uint8Array>; digest: () => string } {
  const hash = createHash('sha256');
  let made = 0;
  let x = seed;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (made >= size) return controller.close();
      const piece = new Uint8Array(Math.min(1024 * 1024, size - made));
      for (let i = 0; i < piece.length; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        piece[i] = x >>> 24;
      }
      made += piece.length;
      hash.update(piece);
      controller.enqueue(piece);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

describe('byte streams over real WebRTC (Node peers)', () => {
  let server: RunningServer;
  let host: HostRoom | undefined;
  let member: MemberRoom | undefined;
  beforeAll(async () => {
    installNodeWebRTC();
    server = await startServer({ port: 0 });
  });
  afterAll(async () => {
    await member?.leave();
    await host?.close();
    await server?.close();
    cleanupNodeWebRTC();
  });

  it('carries 20 MiB member → host and host → member intact', async () => {
    const signalling = { host: server.host, port: server.port, path: server.path };
    const hostId = `streams-host-${Date.now()}`;
    host = hostRoom({ transport: await createPeerJsTransport({ ...signalling, id: hostId }) });
    member = await joinRoom({ transport: await createPeerJsTransport(signalling), hostId });
    const received = (room: HostRoom | MemberRoom): Promise<{ digest: string; bytes: number; name: string }> =>
      new Promise((resolve, reject) =>
        room.onByteStream('files', (reader) => {
          const hash = createHash('sha256');
          let bytes = 0;
          void (async () => {
            for await (const chunk of reader) {
              hash.update(chunk);
              bytes += chunk.byteLength;
            }
            resolve({ digest: hash.digest('hex'), bytes, name: reader.info.name });
          })().catch(reject);
        }),
      );

    const atHost = received(host);
    const up = source(1);
    const upInfo = await member.sendBytes(up.stream, { topic: 'files', name: 'up.bin', size });
    expect(upInfo.size).toBe(size);
    expect(await atHost).toEqual({ digest: up.digest(), bytes: size, name: 'up.bin' });

    const atMember = received(member);
    const down = source(2);
    await host.sendBytes(down.stream, { topic: 'files', name: 'down.bin', to: member.selfId });
    expect(await atMember).toEqual({ digest: down.digest(), bytes: size, name: 'down.bin' });
  }, 60_000);
});
