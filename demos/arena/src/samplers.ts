import type { HostRoom, MemberRoom } from '@beckon/core';
import type { GameClient, GameHost } from '@beckon/game';
import type { NetSample } from './overlay.ts';

/** Figures for the overlay on a member: its own link to the host. */
export function memberSampler(room: MemberRoom, client: GameClient): () => NetSample {
  let last = { at: performance.now(), down: 0, up: 0, gaps: 0, decoded: 0 };
  const recent: { gaps: number; decoded: number }[] = [];
  return () => {
    const stats = room.link()?.stats;
    const now = performance.now();
    const current = { at: now, down: stats?.bytesReceived ?? 0, up: stats?.bytesSent ?? 0, gaps: client.receiver.stats.gaps, decoded: client.receiver.stats.decoded };
    const seconds = Math.max(0.001, (now - last.at) / 1000);
    recent.push({ gaps: current.gaps - last.gaps, decoded: current.decoded - last.decoded });
    if (recent.length > 8) recent.shift();
    const gaps = recent.reduce((sum, r) => sum + r.gaps, 0);
    const decoded = recent.reduce((sum, r) => sum + r.decoded, 0);
    const sample: NetSample = {
      rttMs: stats?.rttMs,
      loss: gaps + decoded === 0 ? 0 : gaps / (gaps + decoded),
      snapshotRate: client.snapshotMeter.rate,
      downBps: Math.max(0, current.down - last.down) / seconds,
      upBps: Math.max(0, current.up - last.up) / seconds,
      ...(room.state === 'open' ? {} : { noLink: room.state === 'reconnecting' ? 'disconnected · reconnecting' : 'disconnected' }),
    };
    last = current;
    return sample;
  };
}

/**
 * Figures for the overlay on the host: every member's link together. Loss is over the round trip: snapshots (or their
 * acks) whose seq a member's acks skipped; input packets no longer come at a steady rate to count gaps in.
 */
export function hostSampler(room: HostRoom, host: GameHost): () => NetSample {
  let last = { at: performance.now(), down: 0, up: 0, snapshots: 0 };
  const recent: { gaps: number; packets: number }[] = [];
  let lastLoss = { gaps: 0, packets: 0 };
  return () => {
    const now = performance.now();
    let down = 0;
    let up = 0;
    let snapshots = 0;
    let gaps = 0;
    let packets = 0;
    const rtts: number[] = [];
    let members = 0;
    for (const [id, link] of host.clients) {
      if (id === room.selfId) continue;
      const stats = room.link(id)?.stats;
      if (!stats) continue;
      members++;
      down += stats.bytesReceived;
      up += stats.bytesSent;
      if (stats.rttMs !== undefined) rtts.push(stats.rttMs);
      snapshots += link.snapshotsSent;
      gaps += link.ackGaps;
      packets += link.acksAdvanced;
    }
    const seconds = Math.max(0.001, (now - last.at) / 1000);
    recent.push({ gaps: Math.max(0, gaps - lastLoss.gaps), packets: Math.max(0, packets - lastLoss.packets) });
    if (recent.length > 8) recent.shift();
    lastLoss = { gaps, packets };
    const g = recent.reduce((sum, r) => sum + r.gaps, 0);
    const p = recent.reduce((sum, r) => sum + r.packets, 0);
    const sample: NetSample = {
      rttMs: rtts.length === 0 ? undefined : rtts.reduce((a, b) => a + b, 0) / rtts.length,
      loss: g + p === 0 ? 0 : g / (g + p),
      snapshotRate: members === 0 ? 0 : Math.max(0, snapshots - last.snapshots) / seconds / members,
      downBps: Math.max(0, down - last.down) / seconds,
      upBps: Math.max(0, up - last.up) / seconds,
      ...(members === 0 ? { noLink: 'no players yet' } : {}),
    };
    last = { at: now, down, up, snapshots };
    return sample;
  };
}

