/** Small helpers shared across the core, one copy each. */

/** Wall-clock ms since the Unix epoch, monotonic within a page (performance.now() never jumps back). */
export const now = (): number => timeOrigin + performance.now();
// Read once: the getter is slow, and `now` runs several times per frame.
const timeOrigin = performance.timeOrigin;

/** A thrown value's message, for error texts. */
export function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** A wire type id as `0x0000abcd`. */
export function hex(id: number): string {
  return `0x${id.toString(16).padStart(8, '0')}`;
}
