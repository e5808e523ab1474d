import { LoopbackNetwork } from '../loopback.ts';
import { hostRoom } from '../room/host.ts';
import { joinRoom } from '../room/member.ts';
import type { HostRoom } from '../room/host.ts';
import type { MemberRoom } from '../room/member.ts';
import type { HostOptions, MemberOptions } from '../room/types.ts';
import { hostTypes } from './test-schema.ts';

let rooms = 0;

/** A host and members on a fresh loopback network, for the stream tests. */
export async function streamRooms(
  members = 1,
  host: Partial<Omit<HostOptions, 'transport'>> = {},
  member: Partial<Omit<MemberOptions, 'transport' | 'hostId'>> = {},
): Promise<{ network: LoopbackNetwork; host: HostRoom; members: MemberRoom[]; close: () => Promise<void> }> {
  const network = new LoopbackNetwork();
  const id = `stream-room-${++rooms}`;
  const hostRoomInstance = hostRoom({ transport: network.transport(id), types: hostTypes, ...host });
  const joined: MemberRoom[] = [];
  for (let i = 0; i < members; i++) {
    joined.push(await joinRoom({ transport: network.transport(`${id}-m${i}`), hostId: id, types: hostTypes, name: `m${i}`, ...member }));
  }
  return {
    network,
    host: hostRoomInstance,
    members: joined,
    close: async () => {
      for (const m of joined) await m.leave();
      await hostRoomInstance.close();
    },
  };
}

/** Deterministic bytes, so a test can check every byte arrived in order. */
export function pattern(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
