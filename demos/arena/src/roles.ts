import { formatInvite, hostRoom, joinRoom } from '@beckon/core';
import type { HostCredentials, HostRoom, Identity, Invite, MemberRoom, MessageType } from '@beckon/core';
import { GameClient, MigrationHost, MigrationMember, PlayerJoined, PlayerLeft, RoundEnded, RoundStarted, Scored, takeOver } from '@beckon/game';
import type { EntityState, GameHost, Replica, SharedTransport } from '@beckon/game';
import { HostGame, interpolation } from './host-game.ts';
import type { NetSample } from './overlay.ts';
import { rules } from './rules.ts';
import { hostSampler, memberSampler } from './samplers.ts';
import type { Scoreboard } from './scoreboard.ts';

/** What the page needs from whichever role it has now; replaced when a host migration changes the role. */
export interface RoleView {
  readonly role: 'host' | 'member';
  readonly selfId: string;
  readonly room: HostRoom | MemberRoom;
  readonly host?: GameHost;
  readonly client?: GameClient;
  entities(): ReadonlyMap<number, EntityState>;
  avatar(): number;
  sample(): NetSample;
  setControls(controls: { moveX?: number; moveY?: number }): void;
}

/** The page's parts the roles use. */
export interface ArenaPage {
  readonly board: Scoreboard;
  readonly transport: SharedTransport;
  readonly name: string;
  readonly identity: Identity;
  /** The room lanes and app types (video), for every room this page opens. */
  readonly types: Iterable<MessageType>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Makes `view` the current role: the drawing, the chat and the overlay follow it. */
  use(view: RoleView): void;
  setStatus(text: string, state: string): void;
  /** The invite (`#join=…`) this room's players share: shown to the host, kept in a member's URL for reloads. */
  showInvite(hash: string, hosting: boolean): void;
  /** Something happened that everyone should read (the host left, who hosts now). */
  notice(text: string, ended: boolean): void;
}

/** Subscribes a member room to the game's facts before it joins, so the replayed room state reaches the board. */
export function follow(board: Scoreboard, room: MemberRoom): void {
  room.on(PlayerJoined, (e) => board.playerJoined(e));
  room.on(PlayerLeft, (e) => board.playerLeft(e));
  room.on(Scored, (e) => board.scored(e));
  room.on(RoundStarted, (e) => board.roundStarted(e));
  room.on(RoundEnded, (e) => board.roundEnded(e));
}

/** Hosts the game in `room`: a new one, or (with `replica`) the one a departed host was running. */
export function hostGame(page: ArenaPage, room: HostRoom, credentials: HostCredentials | undefined, replica?: Replica): RoleView {
  const game = new HostGame(room, page.board, replica);
  game.start();
  const migration = new MigrationHost(game.host, { exportState: () => game.exportState() });
  page.showInvite(credentials ? inviteHash(credentials.invite) : `#join=${encodeURIComponent(page.transport.localId)}`, true);
  const updateStatus = (): void => {
    const members = room.participants.length - 1;
    page.setStatus(members === 0 ? 'Hosting · waiting for players' : `Hosting · ${members} other player${members === 1 ? '' : 's'}`, 'open');
  };
  updateStatus();
  room.on('participants', updateStatus);
  // Telling the players on the way out lets them carry on at once, rather than after their heartbeats time out.
  addEventListener('pagehide', () => void migration.leave(`${page.name} closed the game`));
  return {
    role: 'host',
    selfId: room.selfId,
    room,
    host: game.host,
    entities: () => game.view.view(game.host.avatarOf(room.selfId) ?? 0),
    avatar: () => game.host.avatarOf(room.selfId) ?? 0,
    sample: hostSampler(room, game.host),
    setControls: (controls) => (game.controls = controls),
  };
}

/** Plays in `room` as a member; if its host goes, takes part in choosing the next one and carries on there. */
export function playGame(page: ArenaPage, room: MemberRoom, invite: Invite | undefined): RoleView {
  const client = new GameClient(room, { rules, interpolation });
  client.start();
  const migration = new MigrationMember(client);
  const hostName = (): string => room.participant(room.hostId)?.name ?? 'the host';
  const playing = (): string => `Playing in ${hostName()}'s game`;
  page.setStatus(playing(), 'open');
  let moving = false;
  room.on('state', (state) => {
    if (!moving) page.setStatus(state === 'open' ? playing() : state === 'reconnecting' ? 'Reconnecting…' : state, state);
  });
  migration.events.on('host-lost', (lost) => {
    moving = true;
    const replica = migration.replica();
    const oldName = hostName();
    const what = lost.cause === 'left' ? `${oldName} left` : `${oldName} stopped answering`;
    page.setStatus(`${what} · finding a new host…`, 'connecting');
    // The old host's player leaves with it (the new host has no one to tell yet).
    page.board.playerLeft({ player: replica.oldHost });
    migration.dispose();
    client.dispose();
    void room.leave();
    void takeOver(replica, {
      selfId: room.selfId,
      transport: page.transport,
      ...(invite ? { invite } : {}),
      keys: migration.keys,
      host: (credentials) => {
        const hosted = hostRoom({ transport: page.transport, name: page.name, participantId: room.selfId, room: 'Gem Rush', types: page.types, metadata: page.metadata, ...(credentials ? { credentials } : {}) });
        page.use(hostGame(page, hosted, credentials, replica));
        return hosted;
      },
      join: (peer, next, timeoutMs) =>
        joinRoom(
          { transport: page.transport, hostId: peer, name: page.name, identity: page.identity, types: page.types, metadata: page.metadata, joinTimeoutMs: timeoutMs, ...(next ? { invite: next } : {}) },
          (r) => follow(page.board, r),
        ),
    }).then(
      (takeover) => {
        // Why a candidate was passed over helps whoever wonders why another player hosts now.
        if (takeover.skipped.length > 0) console.info(`Host migration passed over: ${takeover.skipped.join('; ')}`);
        if (takeover.role === 'member') {
          page.use(playGame(page, takeover.room, takeover.invite));
          page.showInvite(takeover.invite ? inviteHash(takeover.invite) : `#join=${encodeURIComponent(takeover.room.link()?.remoteId ?? '')}`, false);
        }
        const next = takeover.role === 'host' ? 'You are' : `${takeover.room.participant(takeover.hostId)?.name ?? 'Another player'} is`;
        page.notice(`${what}. ${next} hosting now; the game goes on with the same scores and clock.`, false);
      },
      () => {
        page.setStatus(`${what} · the game has ended`, 'closed');
        page.notice(`${oldName} hosted this game and has left, and no other player could take over, so it has ended.`, true);
        // The round no longer runs: stop its clock rather than count down to nothing.
        page.board.endsAt = 0;
      },
    );
  });
  return {
    role: 'member',
    selfId: room.selfId,
    room,
    client,
    entities: () => client.view(),
    avatar: () => client.avatar,
    sample: memberSampler(room, client),
    setControls: (controls) => client.setControls(controls),
  };
}

/** `#join=<invite>` for the page's URL and the link to share. */
export function inviteHash(invite: Invite): string {
  return `#join=${formatInvite(invite)}`;
}
