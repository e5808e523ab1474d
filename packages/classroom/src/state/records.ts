import { isSafeKey } from '@beckon/core';
import type { Outcome, Rejection } from './types.ts';

/**
 * An object keyed by participant id, without a prototype: an id such as `__proto__` or `constructor` is only ever a
 * key here, never a way into `Object.prototype` (the core refuses such ids too; this holds for stored state as well).
 */
export function idRecord<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) if (isSafeKey(key)) record[key] = value;
  return record;
}


export const ok: Outcome = { ok: true };
export const unchanged: Outcome = { ok: true, unchanged: true };
export const reject = (reason: string): Rejection => ({ ok: false, reason });
