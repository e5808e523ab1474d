/** A small typed event emitter. A throwing listener is reported, never allowed to break the emitter's caller. */
export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  // Copy on write: `on` and `off` replace an event's array, so `emit` (which runs for every frame) walks the current
  // one without copying it, and a listener added or removed meanwhile takes effect from the next emit.
  readonly #listeners = new Map<keyof Events, readonly ((payload: never) => void)[]>();

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const current = this.#listeners.get(event) ?? [];
    if (!current.includes(listener as (payload: never) => void)) this.#listeners.set(event, [...current, listener as (payload: never) => void]);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): void {
    const current = this.#listeners.get(event);
    if (!current?.includes(listener as (payload: never) => void)) return;
    const rest = current.filter((each) => each !== listener);
    if (rest.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, rest);
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as (payload: Events[K]) => void)(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (report) report(error);
  else console.error('Beckon: a listener threw', error);
}
