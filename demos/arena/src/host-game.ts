import type { HostRoom, MessageInit, MessageType, Participant, SendOptions } from '@beckon/core';
import { GameHost, PlayerJoined, PlayerLeft, RoundEnded, RoundStarted, Scored } from '@beckon/game';
import type { Controls, EntityState, Replica } from '@beckon/game';
import { arena, avatarRadius, colorOf, gemRadius, Kind, palette, rules, starRadius } from './rules.ts';
import { HostView } from './host-view.ts';
import type { Scoreboard } from './scoreboard.ts';
import { decodeArenaState, encodeArenaState } from './arena-state.ts';
import type { ArenaState } from './arena-state.ts';

export const roundMs = 90_000;
const breakMs = 5_000;
const gemCount = 14;
const starPoints = 5;
/** After a host migration, how long the other players have to reach the new host before their avatars go. */
const followMs = 6_000;
/** Shared with the members' GameClient, so everyone sees the others the same way. */
export const interpolation = { delayMs: 100, maxExtrapolationMs: 250 } as const;

export interface PlayerInfo {
  readonly id: string;
  readonly name: string;
  readonly avatar: number;
  readonly color: number;
}

/**
 * The game's rules on the host: a round of collecting gems (1 point) and chasing the drifting star (5 points),
 * with every fact (joins, points, rounds) sent as a reliable event and kept for late joiners.
 */
export class HostGame {
  readonly host: GameHost;
  /** What the host's screen draws: the snapshots, interpolated as on members' screens. */
  readonly view: HostView;
  readonly room: HostRoom;
  readonly players = new Map<string, PlayerInfo & { readonly colorIndex: number }>();
  readonly scores = new Map<string, number>();
  round = 0;
  endsAt = 0;
  /** Between rounds, until this time. */
  breakUntil = 0;
  #star = 0;
  #starVelocity = { x: 140, y: 90 };
  #colorIndex = 0;
  /**
   * Players who left, by participant id (which survives a reload): their colour, and their points in the round
   * they left, so a reload or a dropped link does not cost a player their colour or their score.
   */
  readonly #departed = new Map<string, { readonly colorIndex: number; readonly points: number; readonly round: number }>();
  readonly #board: Scoreboard;
  /** The host's own player's controls, applied every tick. */
  controls: Controls = {};

  /** `replica`: carry on the game a host that left was running (host migration) instead of starting a new one. */
  constructor(room: HostRoom, board: Scoreboard, replica?: Replica) {
    this.room = room;
    this.#board = board;
    this.host = new GameHost(room, { rules, snapshotRate: 20, step: (dt) => this.#step(dt), onSnapshot: () => this.view.snapshot() });
    this.view = new HostView(this.host, interpolation);
    room.on('join', ({ participant }) => this.#addPlayer(participant));
    room.on('leave', ({ participant }) => this.#removePlayer(participant.id));
    const state = replica && decodeArenaState(replica.app);
    if (replica && state) {
      this.host.restore(replica.entities, replica.avatars, replica.tick);
      this.#restore(state, replica.ageMs, replica.oldHost);
    }
    const self = room.participant(room.selfId);
    if (self) this.#addPlayer(self);
    if (replica && state) return;
    for (let i = 0; i < gemCount; i++) this.#spawnGem();
    this.#star = this.host.spawn({ ...randomSpot(starRadius), heading: 0, kind: Kind.star, color: 3 });
    this.#startRound();
  }

  /** Everything of the game the snapshots do not carry, for the members' replicas (MigrationHost sends it). */
  exportState(): Uint8Array {
    const now = Date.now();
    return encodeArenaState({
      round: this.round,
      endsInMs: this.endsAt - now,
      breakInMs: this.breakUntil === 0 ? 0 : this.breakUntil - now,
      star: this.#star,
      starVelocity: { ...this.#starVelocity },
      colorIndex: this.#colorIndex,
      players: [...this.players.values()].map((p) => ({ id: p.id, name: p.name, avatar: p.avatar, colorIndex: p.colorIndex, points: this.scores.get(p.id) ?? 0 })),
      departed: [...this.#departed].map(([id, d]) => ({ id, ...d })),
    });
  }

  #restore(state: ArenaState, ageMs: number, oldHost: string): void {
    const now = Date.now();
    this.round = state.round;
    this.endsAt = now + state.endsInMs - ageMs;
    this.breakUntil = state.breakInMs > 0 ? now + state.breakInMs - ageMs : 0;
    this.#star = state.star;
    this.#starVelocity = { ...state.starVelocity };
    this.#colorIndex = state.colorIndex;
    for (const d of state.departed) this.#departed.set(d.id, { colorIndex: d.colorIndex, points: d.points, round: d.round });
    for (const p of state.players) {
      if (!this.host.world.has(p.avatar)) continue;
      this.players.set(p.id, { id: p.id, name: p.name, avatar: p.avatar, color: colorOf(p.colorIndex), colorIndex: p.colorIndex });
      this.host.setAvatar(p.id, p.avatar);
      this.#emit(PlayerJoined, { player: p.id, name: p.name, avatar: p.avatar, color: colorOf(p.colorIndex) }, (e) => this.#board.playerJoined(e), { retain: `player:${p.id}` });
      this.#setScore(p.id, p.points, 0);
    }
    this.#emit(RoundStarted, { round: this.round, endsAt: this.endsAt, durationMs: roundMs }, (e) => this.#board.roundStarted(e), { retain: 'round' });
    // The old host is gone for good; anyone else who does not follow within a few seconds left with it.
    this.#removePlayer(oldHost);
    setTimeout(() => {
      for (const id of [...this.players.keys()]) if (!this.room.participant(id)) this.#removePlayer(id);
    }, followMs);
  }

  /** Sends an event to the members and shows it on the host's own page. */
  #emit<T extends object>(type: MessageType<T>, value: MessageInit<T>, show: (value: T) => void, options: SendOptions = {}): void {
    this.room.send(type, value, options);
    show(type.decode(type.encode(value)));
  }

  start(): void {
    this.host.start();
  }

  #addPlayer(participant: Participant): void {
    const existing = this.players.get(participant.id);
    if (existing) {
      this.host.setAvatar(participant.id, existing.avatar);
      return;
    }
    const departed = this.#departed.get(participant.id);
    this.#departed.delete(participant.id);
    const colorIndex = departed?.colorIndex ?? this.#colorIndex++ % palette.length;
    const avatar = this.host.spawn({ ...randomSpot(avatarRadius), heading: 0, kind: Kind.avatar, color: colorIndex });
    const player = { id: participant.id, name: participant.name, avatar, color: colorOf(colorIndex), colorIndex };
    this.players.set(participant.id, player);
    this.host.setAvatar(participant.id, avatar);
    this.#emit(PlayerJoined, { player: player.id, name: player.name, avatar, color: player.color }, (e) => this.#board.playerJoined(e), { retain: `player:${player.id}` });
    this.#setScore(player.id, departed?.round === this.round ? departed.points : 0, 0);
  }

  #removePlayer(id: string): void {
    const player = this.players.get(id);
    if (!player) return;
    this.#departed.set(id, { colorIndex: player.colorIndex, points: this.scores.get(id) ?? 0, round: this.round });
    this.players.delete(id);
    this.scores.delete(id);
    this.host.despawn(player.avatar);
    this.host.setAvatar(id, undefined);
    this.room.forget(`player:${id}`);
    this.room.forget(`score:${id}`);
    this.#emit(PlayerLeft, { player: id }, (e) => this.#board.playerLeft(e));
  }

  #setScore(player: string, points: number, entity: number): void {
    this.scores.set(player, points);
    this.#emit(Scored, { player, points, entity }, (e) => this.#board.scored(e), { retain: `score:${player}` });
  }

  #startRound(): void {
    this.round++;
    this.endsAt = Date.now() + roundMs;
    this.breakUntil = 0;
    for (const id of this.players.keys()) this.#setScore(id, 0, 0);
    this.#emit(RoundStarted, { round: this.round, endsAt: this.endsAt, durationMs: roundMs }, (e) => this.#board.roundStarted(e), { retain: 'round' });
  }

  #endRound(): void {
    const ranked = [...this.scores].sort((a, b) => b[1] - a[1]);
    const top = ranked[0];
    const winner = top && top[1] > 0 && ranked[1]?.[1] !== top[1] ? top[0] : '';
    this.#emit(RoundEnded, { round: this.round, winner, scores: ranked.map(([player, points]) => ({ player, points })) }, (e) => this.#board.roundEnded(e));
    this.breakUntil = Date.now() + breakMs;
  }

  #step(dt: number): void {
    // Applied on the next tick, like a member's input that arrived now.
    this.host.input(this.controls);
    const now = Date.now();
    if (this.breakUntil > 0) {
      if (now >= this.breakUntil) this.#startRound();
      return;
    }
    if (now >= this.endsAt) {
      this.#endRound();
      return;
    }
    this.#moveStar(dt);
    const world = this.host.world;
    for (const player of this.players.values()) {
      const avatar = world.get(player.avatar);
      if (!avatar) continue;
      for (const [id, entity] of world) {
        if (entity['kind'] === Kind.avatar) continue;
        const reach = avatarRadius + (entity['kind'] === Kind.star ? starRadius : gemRadius);
        if (Math.hypot(entity['x']! - avatar['x']!, entity['y']! - avatar['y']!) > reach) continue;
        const points = entity['kind'] === Kind.star ? starPoints : 1;
        this.#setScore(player.id, (this.scores.get(player.id) ?? 0) + points, id);
        if (entity['kind'] === Kind.star) {
          Object.assign(entity, randomSpot(starRadius));
        } else {
          this.host.despawn(id);
          this.#spawnGem();
        }
      }
    }
  }

  #spawnGem(): void {
    this.host.spawn({ ...randomSpot(gemRadius), heading: Math.random() * Math.PI * 2, kind: Kind.gem, color: Math.floor(Math.random() * 3) });
  }

  /** The star drifts and bounces, and flees the nearest player a little: something to chase. */
  #moveStar(dt: number): void {
    const star = this.host.world.get(this.#star);
    if (!star) return;
    const v = this.#starVelocity;
    let nearest: EntityState | undefined;
    let distance = Infinity;
    for (const player of this.players.values()) {
      const avatar = this.host.world.get(player.avatar);
      if (!avatar) continue;
      const d = Math.hypot(avatar['x']! - star['x']!, avatar['y']! - star['y']!);
      if (d < distance) {
        distance = d;
        nearest = avatar;
      }
    }
    if (nearest && distance < 260) {
      v.x += ((star['x']! - nearest['x']!) / distance) * 600 * dt;
      v.y += ((star['y']! - nearest['y']!) / distance) * 600 * dt;
    }
    const speed = Math.hypot(v.x, v.y);
    const max = 300;
    if (speed > max) {
      v.x = (v.x / speed) * max;
      v.y = (v.y / speed) * max;
    }
    star['x'] = star['x']! + v.x * dt;
    star['y'] = star['y']! + v.y * dt;
    if (star['x']! < starRadius || star['x']! > arena.width - starRadius) v.x = -v.x;
    if (star['y']! < starRadius || star['y']! > arena.height - starRadius) v.y = -v.y;
    star['x'] = Math.min(arena.width - starRadius, Math.max(starRadius, star['x']!));
    star['y'] = Math.min(arena.height - starRadius, Math.max(starRadius, star['y']!));
    star['heading'] = (star['heading']! + dt * 2) % (Math.PI * 2);
  }
}

function randomSpot(margin: number): { x: number; y: number } {
  return { x: margin + Math.random() * (arena.width - 2 * margin), y: margin + Math.random() * (arena.height - 2 * margin) };
}
