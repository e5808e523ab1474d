import { isValidId } from './text.ts';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random id of `length` base-36 characters from the platform's CSPRNG. */
export function randomId(length = 12): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  for (const byte of bytes) id += alphabet[byte % 36];
  return id;
}

/** Who this member is across reloads: kept in the app's storage so a reload rejoins as the same participant. */
export interface Identity {
  readonly participantId: string;
  readonly resumeToken: string;
}

/** Reads this member's identity for `room` from storage (sessionStorage in a tab), creating it on first use. */
export function loadIdentity(storage: Pick<Storage, 'getItem' | 'setItem'>, room: string): Identity {
  const key = `beckon:identity:${room}`;
  try {
    const stored = JSON.parse(storage.getItem(key) ?? 'null') as Partial<Identity> | null;
    if (typeof stored?.participantId === 'string' && isValidId(stored.participantId) && typeof stored.resumeToken === 'string') {
      return { participantId: stored.participantId, resumeToken: stored.resumeToken };
    }
  } catch {
    // A corrupt entry is replaced below.
  }
  const identity: Identity = { participantId: randomId(10), resumeToken: randomId(24) };
  storage.setItem(key, JSON.stringify(identity));
  return identity;
}
