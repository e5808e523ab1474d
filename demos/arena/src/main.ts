import { hostRoom, joinRoom, loadIdentity } from '@beckon/core';
import type { HostRoom, MemberRoom } from '@beckon/core';
import { GameClient, PlayerJoined, PlayerLeft, RoundEnded, RoundStarted, Scored } from '@beckon/game';
import type { EntityState, GameHost } from '@beckon/game';
import { createRoomMedia, mediaMessageTypes, mediaMetadata } from '@beckon/media';
import type { RoomMedia } from '@beckon/media';
import '@beckon/media/define';
import { createPeerJsTransport } from '@beckon/peerjs';
import type { PeerJsTransport } from '@beckon/peerjs';
import { wireChat } from './chat.ts';
import { ControlInput } from './controls.ts';
import { HostGame, interpolation } from './host-game.ts';
import { watchHost } from './host-presence.ts';
import { NetOverlay } from './overlay.ts';
import type { NetSample } from './overlay.ts';
import { ArenaRenderer } from './render.ts';
import type { AvatarLabel } from './render.ts';
import { rules } from './rules.ts';
import { Scoreboard } from './scoreboard.ts';
import { TouchStick } from './stick.ts';
import { hostFromHash, inviteLink, signallingOptions } from './signalling.ts';

/** What the end-to-end test (and a curious developer in the console) can see of the game. */
export interface ArenaDebug {
  readonly role: 'host' | 'member';
  readonly selfId: string;
  readonly room: HostRoom | MemberRoom;
  readonly host?: GameHost;
  readonly client?: GameClient;
  /** Live video tiles (mesh), unless the page was opened with `?video=off`. */
  readonly media?: RoomMedia;
  /** Entity id of this player's avatar. */
  avatar(): number;
  /** Entities exactly as drawn on this screen in the last frame. */
  shown(): Record<number, EntityState>;
  players(): { id: string; name: string; avatar: number; points: number }[];
  /** Stops or restarts drawing (the game keeps running): lets tests spare a busy machine's CPU. */
  setRendering(on: boolean): void;
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
  await renderer.init($('game'));
  const overlay = new NetOverlay($('graphs'));
  const board = new Scoreboard();
  const controls = new ControlInput(renderer.app.canvas, (x, y) => renderer.toWorld(x, y));
  controls.useStick(new TouchStick($('stick'), $('stick-knob')));
  const signalling = signallingOptions(location);
  const name = playerName();
  const hostId = hostFromHash(location.hash);
  let shown = new Map<number, EntityState>();
  let debug: ArenaDebug;
  let entities: () => ReadonlyMap<number, EntityState>;
  let avatar: () => number;
  let sample: () => NetSample;
  const setRendering = (on: boolean): void => (on ? renderer.app.ticker.start() : renderer.app.ticker.stop());

  if (hostId === undefined) {
    setStatus('Starting a game…', 'connecting');
    const transport = await createPeerJsTransport(signalling);
    const room = hostRoom({ transport, name, room: 'Gem Rush', types: mediaMessageTypes, metadata: mediaMetadata(transport) });
    const media = useMedia(room, transport);
    const game = new HostGame(room, board);
    game.start();
    const link = inviteLink(location, transport.localId);
    ($('invite-link') as HTMLInputElement).value = link;
    ($('invite-open') as HTMLAnchorElement).href = link;
    $('invite').hidden = false;
    const updateStatus = (): void => {
      const members = room.participants.length - 1;
      setStatus(members === 0 ? 'Hosting · waiting for players' : `Hosting · ${members} other player${members === 1 ? '' : 's'}`, 'open');
    };
    updateStatus();
    room.on('participants', updateStatus);
    // Closing the room on the way out tells the players at once, rather than after their heartbeats time out.
    addEventListener('pagehide', () => void room.close());
    entities = () => game.view.view(avatar());
    avatar = () => game.host.avatarOf(room.selfId) ?? 0;
    sample = hostSampler(room, game.host);
    const apply = (): void => {
      game.controls = controls.read();
    };
    controls.onChange = apply;
    renderer.app.ticker.add(apply);
    debug = { role: 'host', selfId: room.selfId, room, host: game.host, ...(media ? { media } : {}), avatar, shown: () => plain(shown), players: () => players(board), setRendering, frames: 0 };
    wireChat(room, $('chat-log'), $('chat-form'), $('chat-input'), $('game'), (id) => board.players.get(id)?.color);
    void media?.start();
    $('net-scope').textContent = 'measured at the host, all players';
  } else {
    setStatus('Joining…', 'connecting');
    const transport = await createPeerJsTransport(signalling);
    let media: RoomMedia | undefined;
    const room = await joinRoom({ transport, hostId, name, identity: loadIdentity(sessionStorage, `arena:${hostId}`), types: mediaMessageTypes, metadata: mediaMetadata(transport) }, (r) => {
      // The media roster is replayed on join: the media object must be listening before then.
      media = useMedia(r, transport);
      r.on(PlayerJoined, (e) => board.playerJoined(e));
      r.on(PlayerLeft, (e) => board.playerLeft(e));
      r.on(Scored, (e) => board.scored(e));
      r.on(RoundStarted, (e) => board.roundStarted(e));
      r.on(RoundEnded, (e) => board.roundEnded(e));
    });
    const client = new GameClient(room, { rules, interpolation });
    client.start();
    const hostName = (): string => room.participant(room.hostId)?.name ?? 'host';
    setStatus(`Playing in ${hostName()}'s game`, 'open');
    let ended = false;
    room.on('state', (state) => {
      if (!ended) setStatus(state === 'open' ? `Playing in ${hostName()}'s game` : state === 'reconnecting' ? 'Reconnecting…' : state, state);
    });
    watchHost(room, transport, hostId, () => {
      ended = true;
      const name = hostName();
      setStatus(`${name} left · the game has ended`, 'closed');
      $('ended-text').textContent = `${name} hosted this game and has left, so it has ended.`;
      ($('ended-new') as HTMLAnchorElement).href = location.pathname + location.search;
      $('ended').hidden = false;
      // The round no longer runs: stop its clock rather than count down to nothing.
      board.endsAt = 0;
      // A new host page has a new id, so there is nothing to reconnect to: stop trying.
      void room.leave();
    });
    entities = () => client.view();
    avatar = () => client.avatar;
    sample = memberSampler(room, client);
    const apply = (): void => client.setControls(controls.read());
    controls.onChange = apply;
    renderer.app.ticker.add(apply);
    debug = { role: 'member', selfId: room.selfId, room, client, ...(media ? { media } : {}), avatar, shown: () => plain(shown), players: () => players(board), setRendering, frames: 0 };
    wireChat(room, $('chat-log'), $('chat-form'), $('chat-input'), $('game'), (id) => board.players.get(id)?.color);
    void media?.start();
    $('net-scope').textContent = 'measured on this player’s link';
  }
  window.__arena = debug;

  controls.follow(() => {
    const own = shown.get(avatar());
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
    shown = new Map(entities());
    const labels = new Map<number, AvatarLabel>();
    for (const player of board.players.values()) {
      labels.set(player.avatar, { name: player.name, color: player.color, self: player.id === debug.selfId });
    }
    renderer.draw(shown, labels, Math.min(0.1, ticker.deltaMS / 1000));
    debug.frames++;
  });

  setInterval(() => {
    overlay.push(sample());
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

/** Figures for the overlay on a member: its own link to the host. */
function memberSampler(room: MemberRoom, client: GameClient): () => NetSample {
  let last = { at: performance.now(), down: 0, up: 0, gaps: 0, decoded: 0 };
  const recent: { gaps: number; decoded: number }[] = [];
  return () => {
    const stats = room.link()?.stats;
    const now = performance.now();
    const current = { at: now, down: stats?.bytesReceived ?? 0, up: stats?.bytesSent ?? 0, gaps: client.receiver.stats.gaps, decoded: client.receiver.stats.decoded };
    const seconds = Math.max(0.001, (now - last.at) / 1000);
    recent.push({ gaps: current.gaps - last.gaps, decoded: current.decoded - last.decoded });
    if (recent.length > 8) recent.shift();
    const gaps = recent.reduce((sum, r) => sum + r.gaps, 0);
    const decoded = recent.reduce((sum, r) => sum + r.decoded, 0);
    const sample: NetSample = {
      rttMs: stats?.rttMs,
      loss: gaps + decoded === 0 ? 0 : gaps / (gaps + decoded),
      snapshotRate: client.snapshotMeter.rate,
      downBps: Math.max(0, current.down - last.down) / seconds,
      upBps: Math.max(0, current.up - last.up) / seconds,
      ...(room.state === 'open' ? {} : { noLink: room.state === 'reconnecting' ? 'disconnected · reconnecting' : 'disconnected' }),
    };
    last = current;
    return sample;
  };
}

/** Figures for the overlay on the host: every member's link together (loss is of their input packets). */
function hostSampler(room: HostRoom, host: GameHost): () => NetSample {
  let last = { at: performance.now(), down: 0, up: 0, snapshots: 0 };
  const recent: { gaps: number; packets: number }[] = [];
  let lastLoss = { gaps: 0, packets: 0 };
  return () => {
    const now = performance.now();
    let down = 0;
    let up = 0;
    let snapshots = 0;
    let gaps = 0;
    let packets = 0;
    const rtts: number[] = [];
    let members = 0;
    for (const [id, link] of host.clients) {
      if (id === room.selfId) continue;
      const stats = room.link(id)?.stats;
      if (!stats) continue;
      members++;
      down += stats.bytesReceived;
      up += stats.bytesSent;
      if (stats.rttMs !== undefined) rtts.push(stats.rttMs);
      snapshots += link.snapshotsSent;
      gaps += link.inputs.packetGaps;
      packets += link.inputs.packets;
    }
    const seconds = Math.max(0.001, (now - last.at) / 1000);
    recent.push({ gaps: Math.max(0, gaps - lastLoss.gaps), packets: Math.max(0, packets - lastLoss.packets) });
    if (recent.length > 8) recent.shift();
    lastLoss = { gaps, packets };
    const g = recent.reduce((sum, r) => sum + r.gaps, 0);
    const p = recent.reduce((sum, r) => sum + r.packets, 0);
    const sample: NetSample = {
      rttMs: rtts.length === 0 ? undefined : rtts.reduce((a, b) => a + b, 0) / rtts.length,
      loss: g + p === 0 ? 0 : g / (g + p),
      snapshotRate: members === 0 ? 0 : Math.max(0, snapshots - last.snapshots) / seconds / members,
      downBps: Math.max(0, down - last.down) / seconds,
      upBps: Math.max(0, up - last.up) / seconds,
      ...(members === 0 ? { noLink: 'no players yet' } : {}),
    };
    last = { at: now, down, up, snapshots };
    return sample;
  };
}

main().catch((error: unknown) => {
  console.error(error);
  setStatus(`Could not start: ${error instanceof Error ? error.message : String(error)}`, 'closed');
});
