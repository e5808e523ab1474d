// The control plane over the loopback transport: the host's roster, the stage flow and its enforcement, mute
// state, and a data-only participant. No browser: calls are not made without a peer.
import { BeckonError, hostRoom, joinRoom } from '@beckon/core';
import { LoopbackNetwork } from '@beckon/core/testing';
import type { HostRoom, MemberRoom } from '@beckon/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mediaMetadata, peerMetadataKey } from './calls.ts';
import { AnswerStageInvite, messageTypes } from './gen/media.ts';
import { createRoomMedia } from './room-media.ts';
import type { RoomMedia } from './room-media.ts';

const until = async (check: () => boolean, timeoutMs = 2000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('room media control plane', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(mode: 'stage' | 'mesh' = 'stage'): Promise<{ host: HostRoom; hostMedia: RoomMedia; members: { room: MemberRoom; media: RoomMedia }[] }> {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('teacher'), types: messageTypes, name: 'Teacher' });
    const hostMedia = createRoomMedia({ room: host, mode });
    cleanups.push(() => host.close(), () => hostMedia.close());
    const members: { room: MemberRoom; media: RoomMedia }[] = [];
    for (const name of ['Ada', 'Bo']) {
      const transport = network.transport(`peer-${name}`);
      let media: RoomMedia | undefined;
      const room = await joinRoom({ transport, hostId: 'teacher', name, types: messageTypes, metadata: mediaMetadata(transport) }, (r) => {
        media = createRoomMedia({ room: r });
      });
      cleanups.push(() => room.leave(), () => media!.close());
      members.push({ room, media: media! });
    }
    await until(() => members.every(({ media }) => media.roster?.peers.size === 3));
    return { host, hostMedia, members };
  }

  it('gives everyone the roster with verified transport ids, the host publishing', async () => {
    const { host, members } = await setup();
    const [ada] = members;
    const view = ada!.media.roster!;
    expect(view.mode).toBe('stage');
    expect(view.peers.get(host.selfId)?.peerId).toBe('teacher');
    expect(view.peers.get(ada!.room.selfId)?.peerId).toBe('peer-Ada');
    expect(ada!.room.participant(ada!.room.selfId)?.metadata[peerMetadataKey]).toBe('peer-Ada');
    expect(ada!.media.publishers).toEqual([host.selfId]);
    expect(ada!.media.tiles.map((tile) => [tile.name, tile.host])).toEqual([['Teacher', true]]);
  });

  it('puts a member on stage only through the host: invite, accept, end', async () => {
    const { hostMedia, members } = await setup();
    const [ada, bo] = members;
    const adaId = ada!.room.selfId;
    const refused: BeckonError[] = [];
    hostMedia.events.on('refused', (error) => refused.push(error));

    // Accepting without an invite is refused: a member cannot put itself on stage.
    bo!.media.answerInvite(true);
    await until(() => refused.length === 1);
    expect(refused[0]!.code).toBe('policy-violation');
    expect(hostMedia.roster!.stage).toEqual([]);
    // Nor can it send the host's events.
    expect(() => bo!.room.send(AnswerStageInvite, { accept: true }, { to: adaId })).toThrow(BeckonError);
    expect(() => bo!.media.inviteToStage(adaId)).toThrow(/Only the host/);

    const invites: string[] = [];
    ada!.media.events.on('invite', ({ fromName }) => invites.push(fromName));
    hostMedia.inviteToStage(adaId);
    await until(() => ada!.media.invite !== undefined);
    expect(invites).toEqual(['Teacher']);
    expect(bo!.media.invite).toBeUndefined();
    ada!.media.answerInvite(true);
    await until(() => bo!.media.publishers.includes(adaId));
    expect(ada!.media.onStage).toBe(true);
    expect(bo!.media.tiles.map((tile) => [tile.name, tile.onStage])).toEqual([
      ['Teacher', false],
      ['Ada', true],
    ]);

    hostMedia.endStage(adaId);
    await until(() => !bo!.media.publishers.includes(adaId));
    expect(ada!.media.onStage).toBe(false);
  });

  it('accepts a stage request only when the member asked, and lets the member step down', async () => {
    const { hostMedia, members } = await setup();
    const [ada, bo] = members;
    expect(hostMedia.acceptStageRequest(bo!.room.selfId)).toBe(false);
    ada!.media.requestStage();
    await until(() => hostMedia.roster!.requests.includes(ada!.room.selfId));
    expect(hostMedia.acceptStageRequest(ada!.room.selfId)).toBe(true);
    await until(() => bo!.media.publishers.includes(ada!.room.selfId));
    ada!.media.leaveStage();
    await until(() => !bo!.media.publishers.includes(ada!.room.selfId));
    expect(hostMedia.roster!.stage).toEqual([]);
  });

  it('shares mute and camera state, and a data-only participant says why', async () => {
    const { hostMedia, members } = await setup('mesh');
    const [ada, bo] = members;
    // Without a media peer, start() joins with data only and explains it.
    await ada!.media.start();
    expect(ada!.media.local.error).toMatch(/data only/);
    await until(() => bo!.media.roster?.peers.get(ada!.room.selfId)?.error !== '');
    expect(bo!.media.roster!.peers.get(ada!.room.selfId)).toMatchObject({ hasCamera: false, mic: false });
    // Mesh: everyone publishes.
    expect(new Set(bo!.media.publishers)).toEqual(new Set([hostMedia.selfId, ada!.room.selfId, bo!.room.selfId]));
  });

  it('drops a member from the stage when it leaves for good, after the grace period', async () => {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('teacher'), types: messageTypes });
    const hostMedia = createRoomMedia({ room: host, stageGraceMs: 50 });
    cleanups.push(() => host.close(), () => hostMedia.close());
    const transport = network.transport('ada');
    const ada = await joinRoom({ transport, hostId: 'teacher', types: messageTypes });
    const adaMedia = createRoomMedia({ room: ada });
    hostMedia.inviteToStage(ada.selfId);
    await until(() => hostMedia.roster!.invited.includes(ada.selfId));
    // Created after the join: the invite arrives in the roster once the member reports its status.
    await adaMedia.start();
    await until(() => adaMedia.invite !== undefined);
    adaMedia.answerInvite(true);
    await until(() => hostMedia.roster!.stage.includes(ada.selfId));
    adaMedia.close();
    await ada.leave();
    await until(() => !hostMedia.roster!.peers.has(ada.selfId));
    expect(hostMedia.roster!.stage).toEqual([ada.selfId]);
    await until(() => hostMedia.roster!.stage.length === 0);
  });
});
