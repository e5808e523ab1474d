import type { PlayerJoined, PlayerLeft, RoundEnded, RoundStarted, Scored } from '@beckon/game';

export interface PlayerView {
  readonly id: string;
  readonly name: string;
  readonly avatar: number;
  readonly color: number;
  points: number;
}

/** The game's facts as the page shows them, built from the reliable events (the host feeds it the same ones it sends). */
export class Scoreboard {
  readonly players = new Map<string, PlayerView>();
  round = 0;
  /** Host clock, ms since the epoch. */
  endsAt = 0;
  winner: string | undefined;
  /** Called after every change, with the collected entity for a Scored. */
  onChange: (kind: 'players' | 'score' | 'round', scored?: Scored) => void = () => {};

  playerJoined(event: PlayerJoined): void {
    const points = this.players.get(event.player)?.points ?? 0;
    this.players.set(event.player, { id: event.player, name: event.name, avatar: event.avatar, color: event.color, points });
    this.onChange('players');
  }

  playerLeft(event: PlayerLeft): void {
    this.players.delete(event.player);
    this.onChange('players');
  }

  scored(event: Scored): void {
    const player = this.players.get(event.player);
    if (player) player.points = event.points;
    else this.players.set(event.player, { id: event.player, name: '…', avatar: 0, color: 0xffffff, points: event.points });
    this.onChange('score', event);
  }

  roundStarted(event: RoundStarted): void {
    this.round = event.round;
    this.endsAt = event.endsAt;
    this.winner = undefined;
    this.onChange('round');
  }

  roundEnded(event: RoundEnded): void {
    this.round = event.round;
    this.winner = event.winner;
    this.endsAt = 0;
    this.onChange('round');
  }

  /** Players by points, then name. */
  ranked(): PlayerView[] {
    return [...this.players.values()].filter((p) => p.avatar !== 0).sort((a, b) => b.points - a.points || a.name.localeCompare(b.name));
  }

  byAvatar(avatar: number): PlayerView | undefined {
    for (const player of this.players.values()) if (player.avatar === avatar) return player;
    return undefined;
  }
}
