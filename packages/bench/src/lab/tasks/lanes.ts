import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startServer } from '@beckon/cli';
import { hostRoom, joinRoom } from '@beckon/core';
import type { LaneName } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { quantile } from '../../harness/stats.ts';
import { benchTypes, State } from '../messages.ts';
import type { LabReporter } from '../namespace.ts';
import { cleanupLabWebRTC, installLabWebRTC, useRelay } from '../node-webrtc.ts';
import { profiles } from '../profiles.ts';
import { ImpairedRelay } from '../relay.ts';

export interface LanesInput {
  /** Each lane streams `rounds` slices of `sliceSeconds`, lanes alternating. */
  readonly rounds: number;
  readonly sliceSeconds: number;
  readonly hz: number;
  readonly lanes: readonly LaneName[];
  /** Bytes of state per message (a small game snapshot). */
  readonly stateBytes: number;
}

export interface LaneRow {
  readonly profile: string;
  readonly label: string;
  readonly lane: LaneName;
  readonly sent: number;
  readonly delivered: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Fraction of sent messages that arrived more than 100 ms after they were sent. */
  readonly lateOver100: number;
  /** Packets the relay dropped / received during the stream (both directions, acks and retransmissions too). */
  readonly relayDropped: number;
  readonly relayReceived: number;
  /** Median over the slices of each slice's p99: robust to one slice hit by a stall of the machine. */
  readonly sliceP99Median: number;
  /** Longest event-loop stall seen during any slice of this lane (this process runs both peers and the relay). */
  readonly maxLoopLagMs: number;
}

export interface Slice {
  readonly sent: number;
  readonly latencies: number[];
  readonly relayDropped: number;
  readonly relayReceived: number;
  readonly maxLoopLagMs: number;
}

export function summarizeSlices(profile: string, label: string, lane: LaneName, slices: readonly Slice[]): LaneRow {
  const latencies = slices.flatMap((slice) => slice.latencies).sort((a, b) => a - b);
  const sent = slices.reduce((sum, slice) => sum + slice.sent, 0);
  const q = (sorted: readonly number[], x: number): number => (sorted.length === 0 ? Number.NaN : quantile(sorted, x));
  const sliceP99 = slices.map((slice) => q([...slice.latencies].sort((a, b) => a - b), 0.99)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return {
    profile,
    label,
    lane,
    sent,
    delivered: latencies.length,
    p50: q(latencies, 0.5),
    p95: q(latencies, 0.95),
    p99: q(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    lateOver100: latencies.filter((x) => x > 100).length / sent,
    relayDropped: slices.reduce((sum, slice) => sum + slice.relayDropped, 0),
    relayReceived: slices.reduce((sum, slice) => sum + slice.relayReceived, 0),
    sliceP99Median: q(sliceP99, 0.5),
    maxLoopLagMs: Math.max(...slices.map((slice) => slice.maxLoopLagMs)),
  };
}

export const settleMs = 1000;

/**
 * For each profile: a host and a member connect through the impairing relay (a fresh pair per profile, so
 * each connection's SCTP state starts clean); the host streams state at `hz` on each lane in turn, and the
 * member records each message's delivery latency (same process, same clock).
 */
export async function lanesUnderLoss(input: LanesInput, reporter: LabReporter): Promise<{ rows: LaneRow[] }> {
  installLabWebRTC();
  const server = await startServer({ port: 0 });
  const signal = { host: server.host, port: server.port, path: server.path };
  const rows: LaneRow[] = [];
  try {
    for (const [p, profile] of profiles.entries()) {
      // Connect over a clean relay (a lost handshake packet costs a 1 s retransmit), then impair.
      const relay = new ImpairedRelay();
      useRelay(relay);
      const hostTransport = await createPeerJsTransport({ ...signal, id: `lanes-host-${p}` });
      const host = hostRoom({ transport: hostTransport, types: benchTypes, rateLimit: false });
      const memberTransport = await createPeerJsTransport({ ...signal });
      const received = new Map<number, number>();
      let expectLane: LaneName = 'unreliable';
      const member = await joinRoom({ transport: memberTransport, hostId: `lanes-host-${p}`, types: benchTypes }, (room) =>
        room.on(State, (value, meta) => {
          if (meta.lane === expectLane) received.set(value.seq, performance.now() - value.sentAt);
        }),
      );
      useRelay(undefined);
      relay.impairment = profile.impairment;
      const streamSlice = async (lane: LaneName): Promise<Slice> => {
        const count = Math.round(input.sliceSeconds * input.hz);
        const pad = new Uint8Array(input.stateBytes);
        const before = { ...relay.stats };
        const lag = monitorEventLoopDelay({ resolution: 5 });
        lag.enable();
        const start = performance.now();
        // Paced against the clock, not by chained timers, so timer slack does not lower the rate.
        for (let seq = 0; seq < count; seq++) {
          const wait = start + (seq * 1000) / input.hz - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          host.send(State, { seq, sentAt: performance.now(), pad }, { lane });
        }
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        lag.disable();
        return {
          sent: count,
          latencies: [...received.values()],
          relayDropped: relay.stats.dropped - before.dropped,
          relayReceived: relay.stats.received - before.received,
          maxLoopLagMs: lag.max / 1e6,
        };
      };
      try {
        // Lanes alternate in short slices (rotating order), so a stall of this shared machine lands on all alike.
        const slices = Object.fromEntries(input.lanes.map((lane) => [lane, [] as Slice[]])) as Record<LaneName, Slice[]>;
        for (let round = 0; round < input.rounds; round++) {
          const order = input.lanes.map((_, i) => input.lanes[(i + round) % input.lanes.length] as LaneName);
          for (const lane of order) {
            expectLane = lane;
            received.clear();
            slices[lane].push(await streamSlice(lane));
          }
          reporter.progress(p * input.rounds + round + 1, profiles.length * input.rounds, `${profile.key}, round ${round + 1}`);
        }
        for (const lane of input.lanes) rows.push(summarizeSlices(profile.key, profile.label, lane, slices[lane]));
      } finally {
        await member.leave().catch(() => {});
        await host.close();
        await relay.close();
      }
    }
    return { rows };
  } finally {
    await server.close();
    cleanupLabWebRTC();
  }
}
