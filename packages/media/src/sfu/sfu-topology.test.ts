// The host's side of the SFU without a browser: the topology the roster announces (p2p, SFU from `autoSfuAt`),
// the passes members get on the reliable lane, and what Janus itself then accepts — a real Janus started by
// `beckon serve --sfu`, asked directly with each pass (the media of browsers is in sfu.e2e.test.ts).
import { createRequire } from 'node:module';
import { BeckonError, hostRoom, joinRoom } from '@beckon/core';
import { LoopbackNetwork } from '@beckon/core/testing';
import type { HostRoom, MemberRoom } from '@beckon/core';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestInterface } from '../../../../scripts/netns-veth.ts';
import { janusExchange } from '../../../cli/src/serve/sfu/janus-api.ts';
import { mediaMetadata } from '../calls.ts';
import { messageTypes } from '../gen/media.ts';
import { createRoomMedia } from '../room-media.ts';
import type { RoomMedia } from '../room-media.ts';
import type { SfuPass } from './sfu-link.ts';

const until = async (check: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** Joins the pass's room as a publisher, straight at Janus: 'joined' or Janus's error. */
async function joinAsPublisher(pass: SfuPass, feed: number): Promise<string> {
  let outcome = '';
  await janusExchange(pass.url, async (call) => {
    const session = (await call({ janus: 'create' }))['data'] as { id: number };
    const handle = (await call({ janus: 'attach', session_id: session.id, plugin: 'janus.plugin.videoroom' }))['data'] as { id: number };
    const answer = await call({ janus: 'message', session_id: session.id, handle_id: handle.id, body: { request: 'join', ptype: 'publisher', room: pass.room, pin: pass.pin, token: pass.token, id: feed } });
    const data = (answer['plugindata'] as { data: Record<string, unknown> }).data;
    outcome = data['videoroom'] === 'joined' ? 'joined' : String(data['error_code']);
  });
  return outcome;
}

describe('the SFU topology, host side, against a real Janus', () => {
  let server: RunningServer;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    // The SFU client is browser code: give Node the WebSocket browsers have (Node 20 has none).
    const require = createRequire(new URL('../../../cli/package.json', import.meta.url));
    (globalThis as { WebSocket?: unknown }).WebSocket ??= require('ws');
    const iface = ensureTestInterface();
    server = await startServer({ sfu: ['--sfu-port', '0', '--sfu-rtp-ports', '24000-24099', ...(iface ? ['--sfu-ice', iface.name] : [])] });
  }, 40_000);
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function classroom(topology: 'auto' | 'sfu', sfuRooms: string | undefined, names: readonly string[]): Promise<{ host: HostRoom; hostMedia: RoomMedia; join(name: string): Promise<{ room: MemberRoom; media: RoomMedia }> }> {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('teacher'), types: messageTypes, name: 'Teacher' });
    const hostMedia = createRoomMedia({ room: host, topology, autoSfuAt: 3, ...(sfuRooms !== undefined ? { sfuRooms } : {}) });
    cleanups.push(() => host.close(), () => hostMedia.close());
    const join = async (name: string): Promise<{ room: MemberRoom; media: RoomMedia }> => {
      const transport = network.transport(`peer-${name}`);
      let media: RoomMedia | undefined;
      const room = await joinRoom({ transport, hostId: 'teacher', name, types: messageTypes, metadata: mediaMetadata(transport) }, (r) => {
        media = createRoomMedia({ room: r });
      });
      cleanups.push(() => room.leave(), () => media!.close());
      return { room, media: media! };
    };
    for (const name of names) await join(name);
    return { host, hostMedia, join };
  }

  it('auto: p2p for two, the SFU from three; passes with a token only for who may publish; the stage ended revokes it on the server', async () => {
    const { hostMedia, join } = await classroom('auto', `${server.url}/sfu/rooms`, []);
    const ada = await join('Ada');
    await until(() => ada.media.roster?.peers.size === 2);
    expect(ada.media.topology).toBe('p2p');
    expect(ada.media.sfuPass).toBeUndefined();

    const bo = await join('Bo');
    await until(() => bo.media.topology === 'sfu' && ada.media.sfuPass !== undefined && bo.media.sfuPass !== undefined);
    // The host publishes on its feed; members may watch (pin), not publish (no token, no feed).
    const roster = ada.media.roster!;
    expect(roster.peers.get(hostMedia.selfId)?.sfuFeed).toBeGreaterThan(0);
    expect(roster.peers.get(ada.room.selfId)?.sfuFeed).toBe(0);
    const watchOnly = ada.media.sfuPass!;
    expect(watchOnly).toMatchObject({ url: server.sfuUrl, token: '', feed: 0 });
    expect(watchOnly.pin).not.toBe('');
    expect(await joinAsPublisher(watchOnly, 1234)).toBe('433');

    // On stage, Ada gets a token Janus accepts and the feed id the roster shows everyone.
    hostMedia.inviteToStage(ada.room.selfId);
    await until(() => ada.media.invite !== undefined);
    ada.media.answerInvite(true);
    await until(() => (ada.media.sfuPass?.token ?? '') !== '');
    const onStage = ada.media.sfuPass!;
    await until(() => bo.media.roster?.peers.get(ada.room.selfId)?.sfuFeed === onStage.feed);
    expect(await joinAsPublisher(onStage, onStage.feed)).toBe('joined');

    // Off stage: the pass loses the token, the roster the feed, and Janus the token (and the feed is kicked).
    // The revocation reaches Janus just after the roster: ask until it has (a bounded number of times).
    hostMedia.endStage(ada.room.selfId);
    await until(() => ada.media.sfuPass?.token === '' && bo.media.roster?.peers.get(ada.room.selfId)?.sfuFeed === 0);
    let refused = '';
    for (let attempt = 0; attempt < 50 && refused !== '433'; attempt++) {
      refused = await joinAsPublisher(onStage, onStage.feed + 1);
      if (refused !== '433') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused).toBe('433');
  }, 30_000);

  it('without an SFU to ask, says so and stays peer-to-peer', async () => {
    const { join } = await classroom('sfu', undefined, []);
    const ada = await join('Ada');
    await until(() => ada.media.roster?.peers.size === 2);
    expect(ada.media.topology).toBe('p2p');
    expect(ada.media.sfuPass).toBeUndefined();
    const broken = await classroom('sfu', `${server.url}/no-such-endpoint`, []);
    const brokenErrors: BeckonError[] = [];
    broken.hostMedia.events.on('sfuError', (error) => brokenErrors.push(error));
    await broken.join('Bo');
    await until(() => brokenErrors.length > 0);
    expect(brokenErrors[0]!.code).toBe('refused');
    expect(broken.hostMedia.topology).toBe('p2p');
  });
});
