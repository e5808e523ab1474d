/** The host's game state beyond the entities, carried to the members for host migration (JSON: small, a few Hz). */
export interface ArenaState {
  readonly round: number;
  /** Relative times, not host clock readings: the next host's clock may differ. */
  readonly endsInMs: number;
  readonly breakInMs: number;
  readonly star: number;
  readonly starVelocity: { readonly x: number; readonly y: number };
  readonly colorIndex: number;
  readonly players: readonly { readonly id: string; readonly name: string; readonly avatar: number; readonly colorIndex: number; readonly points: number }[];
  readonly departed: readonly { readonly id: string; readonly colorIndex: number; readonly points: number; readonly round: number }[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeArenaState(state: ArenaState): Uint8Array {
  return encoder.encode(JSON.stringify(state));
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const str = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 64) : '');

/** Reads what a host sent; undefined when it is not an arena state. It came from the host, but never trust a wire. */
export function decodeArenaState(bytes: Uint8Array): ArenaState | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray(raw['players'])) return undefined;
  const velocity = (raw['starVelocity'] ?? {}) as Record<string, unknown>;
  const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : []);
  return {
    round: num(raw['round'], 1),
    endsInMs: num(raw['endsInMs']),
    breakInMs: num(raw['breakInMs']),
    star: num(raw['star']),
    starVelocity: { x: num(velocity['x'], 140), y: num(velocity['y'], 90) },
    colorIndex: num(raw['colorIndex']),
    players: list(raw['players']).map((p) => ({ id: str(p['id']), name: str(p['name']), avatar: num(p['avatar']), colorIndex: num(p['colorIndex']), points: num(p['points']) })),
    departed: list(raw['departed']).map((d) => ({ id: str(d['id']), colorIndex: num(d['colorIndex']), points: num(d['points']), round: num(d['round']) })),
  };
}
