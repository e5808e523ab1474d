import { hostRoom, joinRoom, randomId } from '@beckon/core';
import type { HostCredentials, HostRoom, Identity, Invite, MemberRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import type { PeerJsTransportOptions } from '@beckon/peerjs';
import type { EntityState } from '../codec/schema.ts';
import { MigrationHost } from '../migration/migration-host.ts';
import { MigrationMember } from '../migration/migration-member.ts';
import type { HostLost, Replica } from '../migration/migration-member.ts';
import { shareTransport } from '../migration/shared-transport.ts';
import type { SharedTransport } from '../migration/shared-transport.ts';
import { takeOver } from '../migration/takeover.ts';
import { GameClient } from '../room/game-client.ts';
import { GameHost } from '../room/game-host.ts';
import { testRules } from './test-game.ts';

/** The little game's own state: points per player and the round clock, as the migration carries it. */
export interface TestScores {
  points: Record<string, number>;
  endsAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One side of the test game, whichever role it has now. */
export interface TestPlayer {
  readonly id: string;
  readonly name: string;
  readonly transport: SharedTransport;
  role: 'host' | 'member';
  hostRoom?: HostRoom;
  game?: GameHost;
  migrationHost?: MigrationHost;
  room?: MemberRoom;
  client?: GameClient;
  migration?: MigrationMember;
  scores: TestScores;
  invite: Invite | undefined;
  /** What happened, for the test to read: 'host-lost:<cause>', then 'hosting' or 'joined:<id>'. */
  readonly log: string[];
  /** Resolves when a migration finished (this player hosts or has joined the new host). */
  migrated: Promise<void>;
  lost?: HostLost;
  /** Candidates passed over, with why. */
  skipped?: readonly string[];
  /** For the hostile test: on takeover, host with fresh keys instead of the listed ones (an impostor's room). */
  impostor?: (peer: string) => Promise<HostCredentials>;
  /** The entities this player's screen would draw now. */
  view(): Map<number, EntityState>;
}

/** Starts the host side on `player`: a GameHost (fresh, or restored from `replica`) with migration. */
export function startHosting(player: TestPlayer, room: HostRoom, replica?: Replica): void {
  const game = new GameHost(room, { rules: testRules, snapshotRate: 20 });
  if (replica) {
    game.restore(replica.entities, replica.avatars, replica.tick);
    const app = JSON.parse(decoder.decode(replica.app) || '{}') as { points?: Record<string, number>; endsInMs?: number };
    player.scores = { points: app.points ?? {}, endsAt: Date.now() + (app.endsInMs ?? 0) - replica.ageMs };
  }
  room.on('join', ({ participant }) => {
    if (game.avatarOf(participant.id) === undefined) game.setAvatar(participant.id, game.spawn({ x: 100 + Math.random() * 800, y: 100 + Math.random() * 800, heading: 0, kind: 1 }));
  });
  if (game.avatarOf(room.selfId) === undefined) game.setAvatar(room.selfId, game.spawn({ x: 512, y: 512, heading: 0, kind: 1 }));
  game.start();
  player.role = 'host';
  player.hostRoom = room;
  player.game = game;
  player.migrationHost = new MigrationHost(game, {
    exportState: () => encoder.encode(JSON.stringify({ points: player.scores.points, endsInMs: player.scores.endsAt - Date.now() })),
  });
}

export async function createHost(signalling: PeerJsTransportOptions, name: string, credentials: (peer: string) => Promise<HostCredentials>): Promise<TestPlayer> {
  const transport = shareTransport(await createPeerJsTransport(signalling));
  const creds = await credentials(transport.localId);
  const player = newPlayer(`h-${name}`, name, transport, creds.invite);
  startHosting(player, hostRoom({ transport, name, participantId: player.id, credentials: creds }));
  player.scores = { points: {}, endsAt: Date.now() + 60_000 };
  return player;
}

export async function joinAsPlayer(signalling: PeerJsTransportOptions, id: string, invite: Invite | undefined): Promise<TestPlayer> {
  const transport = shareTransport(await createPeerJsTransport(signalling));
  const player = newPlayer(id, id, transport, invite);
  const identity: Identity = { participantId: id, resumeToken: randomId(24) };
  const room = await joinRoom({ transport, hostId: invite?.host ?? '', ...(invite ? { invite } : {}), identity, name: id, joinTimeoutMs: 5000 });
  becomeMember(player, room, identity);
  return player;
}

function becomeMember(player: TestPlayer, room: MemberRoom, identity: Identity): void {
  const client = new GameClient(room, { rules: testRules });
  client.start();
  const migration = new MigrationMember(client);
  player.role = 'member';
  player.room = room;
  player.client = client;
  player.migration = migration;
  let done!: () => void;
  player.migrated = new Promise((resolve) => (done = resolve));
  migration.events.on('host-lost', (lost) => {
    player.lost = lost;
    player.log.push(`host-lost:${lost.cause}`);
    const replica = migration.replica();
    migration.dispose();
    client.dispose();
    void room.leave();
    void takeOver(replica, {
      selfId: player.id,
      transport: player.transport,
      ...(player.invite ? { invite: player.invite } : {}),
      keys: migration.keys,
      host: (credentials) => {
        const hosted = hostRoom({ transport: player.transport, name: player.name, participantId: player.id, ...(credentials ? { credentials } : {}) });
        startHosting(player, hosted, replica);
        return hosted;
      },
      ...(player.impostor ? { keys: player.impostor(player.transport.localId) } : {}),
      join: (peer, invite, timeoutMs) => joinRoom({ transport: player.transport, hostId: peer, ...(invite ? { invite } : {}), identity, name: player.name, joinTimeoutMs: timeoutMs }),
    }).then((takeover) => {
      player.invite = takeover.role === 'host' ? takeover.credentials?.invite : takeover.invite;
      if (takeover.role === 'member') becomeMember(player, takeover.room, identity);
      player.log.push(takeover.role === 'host' ? 'hosting' : `joined:${takeover.hostId}`);
      player.skipped = takeover.skipped;
      done();
    }, (error: unknown) => player.log.push(`failed:${String(error)}`));
  });
}

function newPlayer(id: string, name: string, transport: SharedTransport, invite: Invite | undefined): TestPlayer {
  const player: TestPlayer = {
    id,
    name,
    transport,
    role: 'member',
    scores: { points: {}, endsAt: 0 },
    invite,
    log: [],
    migrated: Promise.resolve(),
    view: () => {
      if (player.role === 'host') return new Map([...player.game!.world].map(([k, v]) => [k, testRules.schema.round(v)]));
      return player.client!.latest ? new Map(player.client!.latest.entities) : new Map();
    },
  };
  return player;
}

export async function stopPlayer(player: TestPlayer): Promise<void> {
  player.migration?.dispose();
  player.client?.dispose();
  player.migrationHost?.dispose();
  player.game?.dispose();
  await player.room?.leave();
  await player.hostRoom?.close();
  await player.transport.release();
}
