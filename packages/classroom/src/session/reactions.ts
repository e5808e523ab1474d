import type { ChatMessage } from '../gen/classroom.ts';

/** A reaction on screen: it expires `ttlMs` after it arrived. */
export interface ShownReaction {
  readonly key: number;
  readonly participantId: string;
  readonly name: string;
  readonly emoji: string;
  readonly expiresAt: number;
}

/** The reactions on screen, each gone after its time; at most 50, so a flood of reactions cannot flood the page. */
export class Reactions {
  shown: ShownReaction[] = [];
  readonly #ttlMs: number;
  readonly #changed: (shown: ShownReaction | undefined) => void;
  #key = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ttlMs: number, changed: (shown: ShownReaction | undefined) => void) {
    this.#ttlMs = ttlMs;
    this.#changed = changed;
  }

  show(participantId: string, name: string, emoji: string): void {
    const shown: ShownReaction = { key: ++this.#key, participantId, name, emoji, expiresAt: Date.now() + this.#ttlMs };
    this.shown = [...this.shown.slice(-49), shown];
    this.#changed(shown);
    this.#arm();
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const next = this.shown[0];
    if (!next) return;
    this.#timer = setTimeout(() => {
      const now = Date.now();
      const kept = this.shown.filter((r) => r.expiresAt > now);
      if (kept.length !== this.shown.length) {
        this.shown = kept;
        this.#changed(undefined);
      }
      this.#arm();
    }, Math.max(0, next.expiresAt - Date.now()) + 10);
  }
}

/** Chat messages by id (a later copy wins), in the order they were posted. */
export function mergeChat(history: readonly ChatMessage[], extra: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const message of [...history, ...extra]) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.at - b.at || Number(a.id.slice(1)) - Number(b.id.slice(1)));
}
