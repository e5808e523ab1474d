import { createHostCredentials, hostRoom, joinRoom, loadIdentity, trustAvailable } from '@beckon/core';
import type { HostRoom, MemberRoom } from '@beckon/core';
import { shareTransport } from '@beckon/game';
import type { EntityState, GameClient, GameHost } from '@beckon/game';
import { createRoomMedia, mediaMessageTypes, mediaMetadata } from '@beckon/media';
import type { RoomMedia } from '@beckon/media';
import '@beckon/media/define';
import { createPeerJsTransport } from '@beckon/peerjs';
import type { PeerJsTransport } from '@beckon/peerjs';
import { createChat } from './chat.ts';
import { ControlInput } from './controls.ts';
import { NetOverlay } from './overlay.ts';
import { ArenaRenderer } from './render.ts';
import type { AvatarLabel } from './render.ts';
import { follow, hostGame, inviteHash, playGame } from './roles.ts';
import type { ArenaPage, RoleView } from './roles.ts';
import { Scoreboard } from './scoreboard.ts';
import { TouchStick } from './stick.ts';
import { joinTarget, signallingOptions } from './signalling.ts';

/** What the end-to-end test (and a curious developer in the console) can see of the game. */
export interface ArenaDebug {
  readonly role: 'host' | 'member';
  readonly selfId: string;
  readonly room: HostRoom | MemberRoom;
  readonly host: GameHost | undefined;
  readonly client: GameClient | undefined;
  /** Live video tiles (mesh), unless the page was opened with `?video=off`. */
  readonly media: RoomMedia | undefined;
  /** Entity id of this player's avatar. */
  avatar(): number;
  /** Entities exactly as drawn on this screen in the last frame. */
  shown(): Record<number, EntityState>;
  players(): { id: string; name: string; avatar: number; points: number }[];
  /** Stops or restarts drawing (the game keeps running): lets tests spare a busy machine's CPU. */
  setRendering(on: boolean): void;
  /** The drawing quality now (see frame-budget.ts) and whether WebGL runs on the CPU. */
  quality(): { level: string; software: boolean; drawMs: number };
  frames: number;
}

declare global {
  interface Window {
    __arena?: ArenaDebug;
  }
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const names = ['Nova', 'Pixel', 'Comet', 'Echo', 'Orbit', 'Zephyr', 'Quasar', 'Blip', 'Nimbus', 'Vega', 'Flux', 'Juno'];

function playerName(): string {
  const fromUrl = new URLSearchParams(location.search).get('name');
  if (fromUrl) return fromUrl.slice(0, 24);
  const stored = sessionStorage.getItem('arena:name');
  if (stored) return stored;
  const name = `${names[Math.floor(Math.random() * names.length)]} ${Math.floor(Math.random() * 90 + 10)}`;
  sessionStorage.setItem('arena:name', name);
  return name;
}

/** Small tiles for a handful of players: a mesh, everyone to everyone, 320×240 (docs/video.md says where it stops). */
const tileVideo = { width: 320, height: 240, frameRate: 15 };
const videoOn = new URLSearchParams(location.search).get('video') !== 'off';

function useMedia(room: HostRoom | MemberRoom, transport: PeerJsTransport): RoomMedia | undefined {
  if (!videoOn) return undefined;
  const media = createRoomMedia({ room, peer: transport.peer, mode: 'mesh', video: tileVideo });
  for (const element of document.querySelectorAll('beckon-video-grid, beckon-media-controls')) (element as HTMLElement & { media?: RoomMedia }).media = media;
  $('players-video').hidden = false;
  return media;
}

function setStatus(text: string, state: string): void {
  const status = $('connection');
  status.dataset['state'] = state;
  $('connection-text').textContent = text;
}

async function main(): Promise<void> {
  const renderer = new ArenaRenderer();
  await renderer.init($('game'), new URLSearchParams(location.search).get('quality') ?? 'auto');
  const overlay = new NetOverlay($('graphs'));
  const board = new Scoreboard();
  const controls = new ControlInput(renderer.app.canvas, (x, y) => renderer.toWorld(x, y));
  controls.useStick(new TouchStick($('stick'), $('stick-knob')));
  const signalling = signallingOptions(location);
  const name = playerName();
  const joining = joinTarget(location.hash);
  let shown = new Map<number, EntityState>();
  const setRendering = (on: boolean): void => (on ? renderer.app.ticker.start() : renderer.app.ticker.stop());

  setStatus(joining === undefined ? 'Starting a game…' : 'Joining…', 'connecting');
  const peerTransport = await createPeerJsTransport(signalling);
  // One transport for every room this page is in: a host migration moves the page to another room on the same id.
  const transport = shareTransport(peerTransport);
  let current: RoleView | undefined;
  let media: RoomMedia | undefined;
  const chat = createChat($('chat-log'), $('chat-form'), $('chat-input'), $('game'), (id) => board.players.get(id)?.color);
  const page: ArenaPage = {
    board,
    transport,
    name,
    // The same participant across reloads and across host migrations (its avatar and points are keyed by it).
    identity: loadIdentity(sessionStorage, 'arena'),
    types: mediaMessageTypes,
    metadata: mediaMetadata(peerTransport),
    use(view) {
      current = view;
      chat.attach(view.room);
      media?.stop();
      media = useMedia(view.room, peerTransport);
      void media?.start();
      $('net-scope').textContent = view.role === 'host' ? 'measured at the host, all players' : 'measured on this player’s link';
      renderScores(board, view.selfId);
    },
    setStatus,
    showInvite(hash, hosting) {
      const link = `${location.origin}${location.pathname}${hash}`;
      ($('invite-link') as HTMLInputElement).value = link;
      ($('invite-open') as HTMLAnchorElement).href = link;
      $('invite').hidden = !hosting;
      // A reload, or a member who follows a migration, joins this room again.
      if (!hosting) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    },
    notice(text, ended) {
      $('ended-text').textContent = text;
      $('ended').dataset['kind'] = ended ? 'ended' : 'migrated';
      ($('ended-new') as HTMLAnchorElement).href = location.pathname + location.search;
      $('ended-new').hidden = !ended;
      $('ended').hidden = false;
      clearTimeout(noticeTimer);
      if (!ended) noticeTimer = setTimeout(() => ($('ended').hidden = true), 8000);
    },
  };
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;

  if (joining === undefined) {
    const credentials = trustAvailable() ? await createHostCredentials(transport.localId) : undefined;
    const room = hostRoom({ transport, name, room: 'Gem Rush', types: page.types, metadata: page.metadata, ...(credentials ? { credentials } : {}) });
    // Without WebCrypto (a page not on https or localhost) the room has no keys: the link carries the id alone.
    page.showInvite(credentials ? inviteHash(credentials.invite) : `#join=${encodeURIComponent(transport.localId)}`, true);
    page.use(hostGame(page, room, credentials));
  } else {
    const room = await joinRoom(
      { transport, hostId: joining.host, name, identity: page.identity, types: page.types, metadata: page.metadata, ...(joining.invite ? { invite: joining.invite } : {}) },
      (r) => {
        // The media roster is replayed on join: the media object must be listening before then.
        media = useMedia(r, peerTransport);
        follow(board, r);
      },
    );
    const view = playGame(page, room, joining.invite);
    current = view;
    chat.attach(room);
    void media?.start();
    $('net-scope').textContent = 'measured on this player’s link';
  }
  const role = (): RoleView => current!;
  const debug: ArenaDebug = {
    get role() {
      return role().role;
    },
    get selfId() {
      return role().selfId;
    },
    get room() {
      return role().room;
    },
    get host() {
      return role().host;
    },
    get client() {
      return role().client;
    },
    get media() {
      return media;
    },
    avatar: () => role().avatar(),
    shown: () => plain(shown),
    players: () => players(board),
    setRendering,
    quality: () => ({ level: renderer.budget?.quality.name ?? 'full', software: renderer.software, drawMs: renderer.drawMs }),
    frames: 0,
  };
  window.__arena = debug;
  const apply = (): void => role().setControls(controls.read());
  controls.onChange = apply;
  renderer.app.ticker.add(apply);

  controls.follow(() => {
    const own = shown.get(role().avatar());
    return own ? { x: own['x']!, y: own['y']! } : undefined;
  });
  board.onChange = (kind, scored) => {
    renderScores(board, debug.selfId);
    if (kind === 'round') renderBanner(board);
    if (scored && scored.entity !== 0) {
      const where = shown.get(scored.entity);
      const color = board.players.get(scored.player)?.color ?? 0xffffff;
      if (where) renderer.burst(where['x']!, where['y']!, color);
    }
  };
  renderScores(board, debug.selfId);
  renderBanner(board);

  renderer.app.ticker.add((ticker) => {
    const next = role().entities();
    // While moving to a new host there is no picture for a moment: keep the last one rather than blank the arena.
    if (next.size > 0 || shown.size === 0) shown = new Map(next);
    const labels = new Map<number, AvatarLabel>();
    for (const player of board.players.values()) {
      labels.set(player.avatar, { name: player.name, color: player.color, self: player.id === debug.selfId });
    }
    renderer.draw(shown, labels, Math.min(0.1, ticker.deltaMS / 1000));
    debug.frames++;
  });

  setInterval(() => {
    overlay.push(role().sample());
    renderTimer(board);
  }, 250);

  $('copy-invite').addEventListener('click', () => {
    void navigator.clipboard?.writeText(($('invite-link') as HTMLInputElement).value);
    $('copy-invite').textContent = 'Copied';
    setTimeout(() => ($('copy-invite').textContent = 'Copy link'), 1500);
  });
}

function plain(entities: ReadonlyMap<number, EntityState>): Record<number, EntityState> {
  return Object.fromEntries([...entities].map(([id, state]) => [id, { ...state }]));
}

function players(board: Scoreboard): { id: string; name: string; avatar: number; points: number }[] {
  return board.ranked().map(({ id, name, avatar, points }) => ({ id, name, avatar, points }));
}

function renderScores(board: Scoreboard, selfId: string): void {
  const list = $('scores');
  list.replaceChildren(
    ...board.ranked().map((player, index) => {
      const item = document.createElement('li');
      item.className = 'score';
      item.dataset['player'] = player.id;
      if (player.id === selfId) item.classList.add('self');
      const rank = document.createElement('span');
      rank.className = 'rank';
      rank.textContent = String(index + 1);
      const dot = document.createElement('span');
      dot.className = 'dot';
      dot.style.background = `#${player.color.toString(16).padStart(6, '0')}`;
      const label = document.createElement('span');
      label.className = 'name';
      label.textContent = player.id === selfId ? `${player.name} (you)` : player.name;
      const points = document.createElement('span');
      points.className = 'points';
      points.textContent = String(player.points);
      item.append(rank, dot, label, points);
      return item;
    }),
  );
}

function renderBanner(board: Scoreboard): void {
  const banner = $('banner');
  if (board.winner === undefined) {
    banner.hidden = true;
    return;
  }
  const winner = board.players.get(board.winner);
  banner.textContent = winner ? `${winner.name} wins round ${board.round}!` : `Round ${board.round} is a draw`;
  banner.hidden = false;
}

function renderTimer(board: Scoreboard): void {
  const left = Math.max(0, board.endsAt - Date.now());
  const seconds = Math.ceil(left / 1000);
  $('round').textContent = board.round === 0 ? '' : board.endsAt === 0 ? `Round ${board.round} over` : `Round ${board.round} · ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

main().catch((error: unknown) => {
  console.error(error);
  setStatus(`Could not start: ${error instanceof Error ? error.message : String(error)}`, 'closed');
});
