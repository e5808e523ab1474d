import type { ReceiveStats, SendLayer, SendStats } from './types.ts';

/** Stable ids per peer connection, so a caller can tell a re-made call (counting from 0 again) from the old one. */
const connectionIds = new WeakMap<RTCPeerConnection, number>();
let lastConnectionId = 0;

/** What these uploading connections sent so far, from getStats: totals, simulcast layers, and per connection. */
export async function sendStatsOf(connections: readonly RTCPeerConnection[]): Promise<SendStats> {
  const result: { connections: number; bytesSent: number; layers: SendLayer[]; perConnection: { id: number; bytesSent: number }[] } = { connections: connections.length, bytesSent: 0, layers: [], perConnection: [] };
  for (const pc of connections) {
    const report = await pc.getStats();
    let id = connectionIds.get(pc);
    if (id === undefined) connectionIds.set(pc, (id = ++lastConnectionId));
    const own = { id, bytesSent: 0 };
    result.perConnection.push(own);
    report.forEach((entry: { type?: string; kind?: string; rid?: string; bytesSent?: number; frameWidth?: number; qualityLimitationReason?: string }) => {
      if (entry.type !== 'outbound-rtp') return;
      result.bytesSent += entry.bytesSent ?? 0;
      own.bytesSent += entry.bytesSent ?? 0;
      if (entry.kind === 'video') result.layers.push({ rid: entry.rid ?? '', frameWidth: entry.frameWidth ?? 0, bytesSent: entry.bytesSent ?? 0, limitation: entry.qualityLimitationReason ?? '' });
    });
  }
  return result;
}

/** The received video's statistics on `pc` (zeros before any arrived). */
export async function receiveStatsOf(pc: RTCPeerConnection): Promise<ReceiveStats> {
  const stats: ReceiveStats = { framesDecoded: 0, frameWidth: 0, frameHeight: 0, bytesReceived: 0 };
  const report = await pc.getStats();
  let found: ReceiveStats | undefined;
  report.forEach((entry: { type?: string; kind?: string; framesDecoded?: number; frameWidth?: number; frameHeight?: number; bytesReceived?: number }) => {
    if (entry.type !== 'inbound-rtp' || entry.kind !== 'video') return;
    found = {
      framesDecoded: entry.framesDecoded ?? 0,
      frameWidth: entry.frameWidth ?? 0,
      frameHeight: entry.frameHeight ?? 0,
      bytesReceived: entry.bytesReceived ?? 0,
    };
  });
  return found ?? stats;
}
