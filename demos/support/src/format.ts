/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatRtt(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A readable colour from a hash of the id: the fallback once the palette is used up. */
export function colorFor(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) >>> 0;
  return `hsl(${hash % 360} 70% 45%)`;
}

/** Distinct colours that carry white text, handed out in join order. */
export const palette = ['#3b5bfd', '#d6336c', '#0f9d76', '#e8590c', '#7950f2', '#1098ad', '#c2255c', '#5c940d'];

/**
 * Colours per participant. Every peer assigns them in the host's join order (joinedAt, then id), so everyone
 * sees the same person in the same colour; a colour stays with its participant until they leave.
 */
export class ColorBook {
  readonly #assigned = new Map<string, string>();

  sync(participants: readonly { readonly id: string; readonly joinedAt: number }[]): void {
    const present = new Set(participants.map((p) => p.id));
    for (const id of this.#assigned.keys()) if (!present.has(id)) this.#assigned.delete(id);
    const sorted = [...participants].sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1));
    for (const { id } of sorted) {
      if (this.#assigned.has(id)) continue;
      const used = new Set(this.#assigned.values());
      this.#assigned.set(id, palette.find((color) => !used.has(color)) ?? colorFor(id));
    }
  }

  get(id: string): string {
    return this.#assigned.get(id) ?? colorFor(id);
  }
}

/** Up to two initials for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!].map((w) => [...w][0]) : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}
