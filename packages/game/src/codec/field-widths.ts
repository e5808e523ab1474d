import type { FieldSpec } from './schema.ts';

/**
 * How one field is written in one delta snapshot, chosen by the host per snapshot from the changes it has to send
 * (the per-snapshot bit widths of Fiedler's "Snapshot Compression", with an escape instead of a fixed fallback).
 * - `unused`: no entity changed this field; it costs nothing per entity.
 * - `width`: bits of each signed change; the lowest code of that width is the escape, followed by the absolute
 *   value. A width of the field's own `bits` or more means "absolute values, no change encoding".
 * - `sparse`: each changed entity first says in one bit whether this field changed (else every changed entity
 *   carries a change for it, zero included).
 */
export interface FieldPlan {
  readonly used: boolean;
  readonly width: number;
  readonly sparse: boolean;
}

/** Bits of the per-field header: used (1), then width − 1 (5) and sparse (1). */
export const fieldHeaderBits = 7;

const unused: FieldPlan = { used: false, width: 1, sparse: true };

/** Smallest width whose signed codes (the escape taken out) hold `change`. */
export function widthFor(change: number): number {
  let width = 1;
  while (Math.abs(change) > 2 ** (width - 1) - 1) width++;
  return width;
}

/**
 * The cheapest plan for a field whose changed entities moved it by `changes` (one signed change per changed entity,
 * zero where this field did not change).
 */
export function planField(field: FieldSpec, changes: ArrayLike<number>): FieldPlan {
  const absolute = field.bits;
  // Count the changes by the width they need; zero needs no value in sparse mode.
  const needing = new Array<number>(absolute + 2).fill(0);
  let nonZero = 0;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (change === 0) continue;
    nonZero++;
    needing[Math.min(absolute + 1, widthFor(change))]!++;
  }
  if (nonZero === 0) return unused;
  const n = changes.length;
  let best: FieldPlan = { used: true, width: absolute, sparse: false };
  let bestCost = Math.min(n * absolute, n + nonZero * absolute);
  best = n * absolute <= n + nonZero * absolute ? best : { used: true, width: absolute, sparse: true };
  let fitting = 0;
  for (let width = 1; width < absolute; width++) {
    fitting += needing[width]!;
    const escaped = nonZero - fitting;
    const dense = n * width + escaped * absolute;
    const sparse = n + nonZero * width + escaped * absolute;
    const cost = Math.min(dense, sparse);
    if (cost < bestCost) {
      bestCost = cost;
      best = { used: true, width, sparse: sparse < dense };
    }
  }
  return best;
}
