import { createHostCredentials, exportHostCredentials, importHostCredentials, randomId, trustAvailable } from '@beckon/core';
import type { HostCredentials, IdentityRecord } from '@beckon/core';

/** What the teacher's page keeps between reloads (IndexedDB, or sessionStorage where it is unavailable). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The teacher's PeerJS id: kept with the class, so a reload keeps the invite link valid. */
export function hostPeerId(store: KeyValueStore, key: string): string {
  let id = store.getItem(key);
  if (!id || !idPattern.test(id)) {
    id = `class-${randomId(10)}`;
    store.setItem(key, id);
  }
  return id;
}

/** The room's keys: the stored ones after a reload (same invite link), else new ones. None without WebCrypto. */
export async function hostCredentials(store: KeyValueStore, key: string, peerId: string): Promise<HostCredentials | undefined> {
  if (!trustAvailable()) return undefined;
  const stored = store.getItem(key);
  if (stored) {
    try {
      const credentials = await importHostCredentials(stored);
      if (credentials.invite.host === peerId) return credentials;
    } catch {
      // Unreadable: replaced below (links made with the old keys stop working).
    }
  }
  const credentials = await createHostCredentials(peerId);
  store.setItem(key, await exportHostCredentials(credentials));
  return credentials;
}

function savedAt(saved: string | null): number {
  try {
    return Number((JSON.parse(saved ?? '{}') as { savedAt?: unknown }).savedAt) || 0;
  } catch {
    // Unreadable state: the Classroom starts empty anyway.
    return 0;
  }
}

/** This browser hosted this class recently (a teacher's reload, a reopened tab): it resumes without asking. */
export function hasClassToResume(store: KeyValueStore, stateKey: string, resumeHours: number): boolean {
  const at = savedAt(store.getItem(stateKey));
  return at > 0 && Date.now() - at <= resumeHours * 3600_000;
}

/** A class saved longer ago than `resume-hours` is over: the next one gets a new id, new keys and a new link. */
export function forgetStaleClass(store: KeyValueStore, key: (part: string) => string, resumeHours: number): void {
  const saved = store.getItem(key('state'));
  const at = savedAt(saved);
  if (saved === null || (at > 0 && Date.now() - at <= resumeHours * 3600_000)) return;
  for (const part of ['state', 'host-peer', 'credentials', 'teacher-id', 'identities']) store.removeItem(key(part));
}

/** Who may rejoin as whom, as stored by the teacher's page; anything unreadable is dropped. */
export function readIdentities(stored: string | null): IdentityRecord[] {
  try {
    const parsed: unknown = JSON.parse(stored ?? '[]');
    return Array.isArray(parsed) ? (parsed as IdentityRecord[]).filter((record) => typeof record?.token === 'string' && typeof record.participant?.id === 'string') : [];
  } catch {
    return [];
  }
}
