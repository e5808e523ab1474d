import { startServer } from '@beckon/cli';
import { measureInterleaved, quantile, summarize } from '../../harness/stats.ts';
import type { Summary } from '../../harness/stats.ts';
import type { LabReporter } from '../namespace.ts';
import { nodeMemoryProbe } from '../memory.ts';
import type { MemoryProbe } from '../memory.ts';
import { cleanupLabWebRTC, installLabWebRTC } from '../node-webrtc.ts';
import { startDriver, startResponder, systems } from '../pair.ts';
import type { Driver, LaneKind, Responder, SignalServer, System } from '../pair.ts';

export interface OverheadInput {
  readonly rttRounds: number;
  readonly pingsPerRound: number;
  readonly bulkRounds: number;
  readonly bulkBytes: number;
}

/** Quantiles over every sample of a system on a lane (all rounds pooled, warm-up excluded). */
export interface Pooled {
  readonly n: number;
  /** Mean round trip: precise even on a coarse clock, whose jittered steps average out over many samples. */
  readonly mean?: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
}

/** Per system: summaries over rounds, per-round ratios to raw, and quantiles over all samples pooled. */
export interface OverheadResult {
  readonly rtt: Record<
    LaneKind,
    {
      readonly p50: Record<System, Summary>;
      readonly p99: Record<System, Summary>;
      readonly p50Ratio: Record<System, Summary>;
      readonly p99Ratio: Record<System, Summary>;
      readonly pooled: Record<System, Pooled>;
      readonly lost: Record<System, number>;
    }
  >;
  readonly bulk: {
    readonly mbps: Record<BulkSystem, Summary>;
    readonly ratio: Record<BulkSystem, Summary>;
    /** Peak memory above the level before each transfer, MiB, per end (Node: one process holds both). */
    readonly peakMiB?: Record<BulkSystem, { readonly sender: Summary; readonly receiver: Summary }>;
  };
}

/** The bulk transfer's variants: every system, and Beckon's byte stream beside its one-message transfer. */
export type BulkSystem = System | 'beckon-stream';
export const bulkSystems: readonly BulkSystem[] = ['beckon', 'beckon-stream', 'raw', 'peerjs'];

/** Something that runs one system's driver, in this process or in a browser page. */
export interface DriverHandle {
  rtt(lane: LaneKind, count: number): Promise<{ samples: number[]; lost: number }>;
  bulk(bytes: number): Promise<number>;
  streamBulk?(bytes: number): Promise<number>;
}

/**
 * The comparison itself, shared by Node and browser runs: per lane, rounds of `pingsPerRound` sequential round
 * trips for each system in rotating order; then rounds of one bulk transfer each. Ratios are per round.
 */
export async function compareSystems(
  drivers: Record<System, DriverHandle>,
  input: OverheadInput,
  reporter: LabReporter,
  memory?: MemoryProbe,
): Promise<OverheadResult> {
  const total = 2 * input.rttRounds + input.bulkRounds;
  let step = 0;
  const rtt = {} as OverheadResult['rtt'];
  for (const lane of ['reliable', 'unreliable'] as const) {
    const p99s = Object.fromEntries(systems.map((s) => [s, [] as number[]])) as Record<System, number[]>;
    // Every sample, per round, so the warm-up round can be left out of the pooled quantiles.
    const all = Object.fromEntries(systems.map((s) => [s, [] as number[][]])) as Record<System, number[][]>;
    const lost = Object.fromEntries(systems.map((s) => [s, 0])) as Record<System, number>;
    const variants = Object.fromEntries(
      systems.map((system) => [
        system,
        async () => {
          const result = await drivers[system].rtt(lane, input.pingsPerRound);
          if (result.samples.length === 0) throw new Error(`${system}: every ping on the ${lane} lane was lost`);
          const sorted = result.samples.sort((a, b) => a - b);
          all[system].push(sorted);
          p99s[system].push(quantile(sorted, 0.99));
          lost[system] += result.lost;
          return quantile(sorted, 0.5);
        },
      ]),
    ) as Record<System, () => Promise<number>>;
    const measured = await measureInterleaved({
      variants,
      baseline: 'raw',
      rounds: input.rttRounds,
      warmupRounds: 1,
      onRound: () => reporter.progress(++step, total, `round trips, ${lane} lane`),
    });
    const p99 = Object.fromEntries(systems.map((s) => [s, summarize(p99s[s].slice(-input.rttRounds))])) as Record<System, Summary>;
    const rawP99 = p99s.raw.slice(-input.rttRounds);
    const p99Ratio = Object.fromEntries(
      systems.map((s) => [s, summarize(p99s[s].slice(-input.rttRounds).map((v, i) => v / (rawP99[i] as number)))]),
    ) as Record<System, Summary>;
    const pooled = Object.fromEntries(
      systems.map((s) => {
        const sorted = all[s].slice(-input.rttRounds).flat().sort((a, b) => a - b);
        return [s, { n: sorted.length, mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), p999: quantile(sorted, 0.999) }];
      }),
    ) as Record<System, Pooled>;
    rtt[lane] = { p50: measured.summaries, p99, p50Ratio: measured.ratios, p99Ratio, pooled, lost };
  }
  const transfer = (system: BulkSystem, bytes: number): Promise<number> => {
    if (system !== 'beckon-stream') return drivers[system].bulk(bytes);
    const stream = drivers.beckon.streamBulk;
    if (!stream) throw new Error('the beckon driver has no byte stream');
    return stream(bytes);
  };
  const peaks = Object.fromEntries(bulkSystems.map((s) => [s, { sender: [] as number[], receiver: [] as number[] }])) as Record<
    BulkSystem,
    { sender: number[]; receiver: number[] }
  >;
  const bulk = await measureInterleaved({
    variants: Object.fromEntries(
      bulkSystems.map((system) => [
        system,
        async () => {
          const stop = await memory?.start();
          const seconds = await transfer(system, input.bulkBytes);
          if (stop) {
            const peak = await stop();
            peaks[system].sender.push(peak.sender / 2 ** 20);
            peaks[system].receiver.push(peak.receiver / 2 ** 20);
          }
          return input.bulkBytes / 1e6 / seconds;
        },
      ]),
    ) as Record<BulkSystem, () => Promise<number>>,
    baseline: 'raw',
    rounds: input.bulkRounds,
    // The first transfers run before the JIT has compiled the send and receive paths (half speed for Beckon).
    warmupRounds: 1,
    onRound: () => reporter.progress(++step, total, 'bulk transfers'),
  });
  // The warm-up round's peaks are left out, like its speeds.
  const peakMiB = memory
    ? (Object.fromEntries(
        bulkSystems.map((s) => [s, { sender: summarize(peaks[s].sender.slice(-input.bulkRounds)), receiver: summarize(peaks[s].receiver.slice(-input.bulkRounds)) }]),
      ) as Record<BulkSystem, { sender: Summary; receiver: Summary }>)
    : undefined;
  return { rtt, bulk: { mbps: bulk.summaries, ratio: bulk.ratios, ...(peakMiB ? { peakMiB } : {}) } };
}

/** Node peers over node-datachannel, both ends in this process, on a real PeerServer. */
export async function overheadNode(input: OverheadInput, reporter: LabReporter): Promise<OverheadResult> {
  installLabWebRTC();
  const server = await startServer({ port: 0 });
  const signal: SignalServer = { host: server.host, port: server.port, path: server.path };
  const responders: Responder[] = [];
  const drivers = {} as Record<System, Driver>;
  try {
    for (const system of systems) {
      const responder = await startResponder(system, signal, `resp-${system}`);
      responders.push(responder);
      drivers[system] = await startDriver(system, signal, responder.id);
    }
    reporter.log('connected: beckon, raw, peerjs');
    return await compareSystems(drivers, input, reporter, nodeMemoryProbe);
  } finally {
    for (const driver of Object.values(drivers)) await driver.close().catch(() => {});
    for (const responder of responders) await responder.close().catch(() => {});
    await server.close();
    cleanupLabWebRTC();
  }
}
