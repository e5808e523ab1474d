import type { Participant } from '@beckon/core';

const deviceKey = 'support:device';

/**
 * An id for this browser, shared by its tabs (localStorage), unlike the participant identity (sessionStorage, one
 * per tab). Sent as participant metadata so a second tab of the same person shows as such, not as a second customer.
 */
export function deviceId(storage: Pick<Storage, 'getItem' | 'setItem'>, random: () => string): string {
  const stored = storage.getItem(deviceKey);
  if (stored) return stored;
  const id = random();
  storage.setItem(deviceKey, id);
  return id;
}

/** For a participant whose browser already has an earlier tab in the room: that first tab's participant. */
export function earlierTabOf(participant: Participant, participants: readonly Participant[]): Participant | undefined {
  const device = participant.metadata['device'];
  if (!device) return undefined;
  return participants.find((other) => other.id !== participant.id && other.metadata['device'] === device && other.joinedAt < participant.joinedAt);
}
