// Host migration between real WebRTC peers in Node (PeerJS signalling through `beckon serve`, node-datachannel).
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { createHostCredentials, joinRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHost, joinAsPlayer, stopPlayer } from '../test-utils/migration-players.ts';
import type { TestPlayer } from '../test-utils/migration-players.ts';
import { testSchema } from '../test-utils/test-game.ts';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('host migration over real WebRTC (Node peers)', () => {
  let server: RunningServer;
  let signalling: { host: string; port: number; path: string };
  const everyone: TestPlayer[] = [];
  beforeAll(async () => {
    installNodeWebRTC();
    server = await startServer({ port: 0 });
    signalling = { host: server.host, port: server.port, path: server.path };
  });
  afterEach(async () => {
    for (const player of everyone.splice(0)) await stopPlayer(player).catch(() => undefined);
  });
  afterAll(async () => {
    await server?.close();
    cleanupNodeWebRTC();
  });

  /** A host and players p-a, p-b, p-c, each with an avatar and points; everyone listed as a successor. */
  async function game(): Promise<{ host: TestPlayer; players: TestPlayer[] }> {
    const host = await createHost(signalling, 'host', createHostCredentials);
    everyone.push(host);
    const players: TestPlayer[] = [];
    // Joined in an order unlike the succession order, which goes by participant id.
    for (const id of ['p-c', 'p-a', 'p-b']) {
      const player = await joinAsPlayer(signalling, id, host.invite);
      everyone.push(player);
      players.push(player);
    }
    players.sort((x, y) => (x.id < y.id ? -1 : 1));
    await expect.poll(() => players.every((p) => p.client!.avatar !== 0), { timeout: 5000 }).toBe(true);
    await expect.poll(() => host.migrationHost!.successors.length, { timeout: 5000 }).toBe(3);
    host.scores.points = { 'p-a': 3, 'p-b': 7, 'p-c': 1, 'h-host': 2 };
    // Steer, then stand still, so the positions to compare are settled on every screen.
    players[0]!.client!.setControls({ moveX: 1 });
    players[1]!.client!.setControls({ moveY: 1 });
    await pause(400);
    for (const p of players) p.client!.setControls({});
    await pause(500);
    return { host, players };
  }

  function avatarsOf(host: TestPlayer, players: TestPlayer[]): Map<string, { x: number; y: number }> {
    const positions = new Map<string, { x: number; y: number }>();
    for (const p of players) {
      // As the wire carries it (members only ever had the quantised values).
      const state = testSchema.round(host.game!.world.get(host.game!.avatarOf(p.id)!)!);
      positions.set(p.id, { x: state['x']!, y: state['y']! });
    }
    return positions;
  }

  it('carries the game on under the lowest participant id when the host leaves: same positions, points and clock', async () => {
    const { host, players } = await game();
    const before = avatarsOf(host, players);
    const endsAt = host.scores.endsAt;
    const leftAt = Date.now();
    await host.migrationHost!.leave('Host closed the page');
    await Promise.all(players.map((p) => p.migrated));
    const tookMs = Date.now() - leftAt;
    console.log(`host migration (host left): all players continued after ${tookMs} ms`);
    const [a, b, c] = players as [TestPlayer, TestPlayer, TestPlayer];
    expect(a.log).toEqual(['host-lost:left', 'hosting']);
    expect(b.log).toEqual(['host-lost:left', 'joined:p-a']);
    expect(c.log).toEqual(['host-lost:left', 'joined:p-a']);
    expect(b.lost?.reason).toBe('Host closed the page');
    // The same avatars where they stood, the same points, the same round clock.
    expect(avatarsOf(a, players)).toEqual(before);
    expect(a.scores.points).toEqual({ 'p-a': 3, 'p-b': 7, 'p-c': 1, 'h-host': 2 });
    expect(Math.abs(a.scores.endsAt - endsAt)).toBeLessThan(1000);
    // And it goes on: B steers on the new host, C sees it.
    await expect.poll(() => b.client!.avatar, { timeout: 5000 }).toBe(a.game!.avatarOf('p-b'));
    const startY = a.game!.world.get(b.client!.avatar)!['y']!;
    b.client!.setControls({ moveY: -1 });
    await expect.poll(() => (c.view().get(b.client!.avatar)?.['y'] ?? startY) < startY - 30, { timeout: 5000 }).toBe(true);
    // The new room is keyed: the members checked its host against the listed key, and a stranger cannot join.
    expect(a.hostRoom!.participants.map((p) => p.id).sort()).toEqual(['p-a', 'p-b', 'p-c']);
    const stranger = await createPeerJsTransport(signalling);
    const wrongSecret = { ...a.invite!, secret: new Uint8Array(16) };
    await expect(joinRoom({ transport: stranger, hostId: a.transport.localId, invite: wrongSecret, joinTimeoutMs: 3000 })).rejects.toMatchObject({ code: 'refused' });
    await stranger.close();
  }, 60_000);

  it('moves on to the next candidate when the host and the first candidate vanish together', async () => {
    const { host, players } = await game();
    const before = avatarsOf(host, players);
    const [a, b, c] = players as [TestPlayer, TestPlayer, TestPlayer];
    // Both processes die without a word: their peers are destroyed, their links close.
    a.migration!.dispose();
    a.client!.dispose();
    const goneAt = Date.now();
    await Promise.all([host.transport.release(), a.transport.release()]);
    host.game!.dispose();
    host.migrationHost!.dispose();
    await Promise.all([b.migrated, c.migrated]);
    console.log(`host migration (host and first candidate vanished): continued after ${Date.now() - goneAt} ms; skipped ${JSON.stringify(c.skipped)}`);
    expect(b.log).toEqual(['host-lost:lost', 'hosting']);
    expect(c.log).toEqual(['host-lost:lost', 'joined:p-b']);
    const after = avatarsOf(b, [b, c]);
    expect(after.get('p-b')).toEqual(before.get('p-b'));
    expect(after.get('p-c')).toEqual(before.get('p-c'));
    expect(b.scores.points['p-c']).toBe(1);
  }, 60_000);

  it('members refuse a candidate that cannot prove the key the old host listed, and take the next', async () => {
    const { host, players } = await game();
    const [a, b, c] = players as [TestPlayer, TestPlayer, TestPlayer];
    // A hosts with keys of its own, not the ones it registered: its room is not the one the old host vouched for.
    a.impostor = createHostCredentials;
    await host.migrationHost!.leave();
    await Promise.all(players.map((p) => p.migrated));
    expect(a.log).toEqual(['host-lost:left', 'hosting']);
    expect(b.log).toEqual(['host-lost:left', 'hosting']);
    expect(c.log).toEqual(['host-lost:left', 'joined:p-b']);
    expect(a.hostRoom!.participants.map((p) => p.id)).toEqual(['p-a']);
  }, 60_000);
});
