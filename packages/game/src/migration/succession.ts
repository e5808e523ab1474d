import type { Participant } from '@beckon/core';
import type { Successor } from '../gen/game.ts';

/** A raw uncompressed P-256 public key: 65 bytes, starting 0x04. */
export function isSuccessorKey(key: Uint8Array): boolean {
  return key.length === 65 && key[0] === 4;
}

/**
 * Who takes over, in order, as every member computes it from the same two facts the old host sent (the roster and
 * the succession list): players (not observers) that registered a key, lowest participant id first. The first one
 * that answers is the new host; each candidate tries the ones before it, so all agree without talking to each other.
 */
export function successionOrder(roster: readonly Participant[], successors: readonly Successor[], oldHost: string): Successor[] {
  const players = new Set(roster.filter((p) => p.role === 'member' && p.id !== oldHost).map((p) => p.id));
  const seen = new Set<string>();
  const order: Successor[] = [];
  for (const successor of successors) {
    if (!players.has(successor.participant) || seen.has(successor.participant) || !isSuccessorKey(successor.key)) continue;
    seen.add(successor.participant);
    order.push(successor);
  }
  return order.sort((a, b) => (a.participant < b.participant ? -1 : a.participant > b.participant ? 1 : 0));
}
