import { formatRatioSummary, formatSummary } from '../harness/format.ts';
import type { BarChart, Benchmark, BenchResult, Table } from '../harness/types.ts';
import { runInLab } from '../lab/namespace.ts';
import type { System } from '../lab/pair.ts';
import { systems } from '../lab/pair.ts';
import { bulkSystems } from '../lab/tasks/overhead.ts';
import type { BulkSystem, OverheadInput, OverheadResult } from '../lab/tasks/overhead.ts';

export const systemLabels: Record<System, string> = {
  beckon: 'Beckon (room, lanes, framing)',
  raw: 'raw RTCDataChannel',
  peerjs: 'PeerJS DataConnection (BinaryPack)',
};

export const bulkLabels: Record<BulkSystem, string> = { ...systemLabels, 'beckon-stream': 'Beckon byte stream (sendBytes)' };

// 20 rounds of 500: 10,000 round trips per system and lane behind every pooled tail figure.
export const fullOverhead: OverheadInput = { rttRounds: 20, pingsPerRound: 500, bulkRounds: 9, bulkBytes: 50 * 1024 * 1024 };
export const quickOverhead: OverheadInput = { rttRounds: 2, pingsPerRound: 50, bulkRounds: 1, bulkBytes: 8 * 1024 * 1024 };

const ms = (value: number): string => (value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value.toFixed(1));
const mb = (value: number): string => value.toFixed(1);

/** Tables and charts for an overhead comparison, shared by the Node and the Chromium runs. */
export function overheadReport(result: OverheadResult, input: OverheadInput, place: string, isolated: boolean): BenchResult {
  const rttTable: Table = {
    title: `Round trip of a ${32}-byte message, ${place}`,
    columns: [
      { label: 'Lane' },
      { label: 'System' },
      { label: 'p50 (ms)', align: 'right' },
      { label: 'p99 (ms)', align: 'right' },
      { label: 'p50 / raw', align: 'right' },
      { label: 'p99 / raw', align: 'right' },
      { label: 'Lost', align: 'right' },
    ],
    rows: (['reliable', 'unreliable'] as const).flatMap((lane) =>
      systems.map((system) => {
        const r = result.rtt[lane];
        return [
          lane,
          systemLabels[system],
          formatSummary(r.p50[system], ms),
          formatSummary(r.p99[system], ms),
          system === 'raw' ? '1' : formatRatioSummary(r.p50Ratio[system]),
          system === 'raw' ? '1' : formatRatioSummary(r.p99Ratio[system]),
          String(r.lost[system]),
        ];
      }),
    ),
    note:
      `Each round: ${input.pingsPerRound} sequential round trips per system, systems in rotating order; p50 and p99 are per round, ` +
      `shown as the median over ${input.rttRounds} rounds [p25–p75]. Ratios are per round, against raw. PeerJS's "unreliable" is its ` +
      "default `reliable: false`, which is unordered but still retransmits.",
  };
  const pooledTable: Table = {
    title: `Round trip over every sample pooled, ${place}`,
    columns: [
      { label: 'Lane' },
      { label: 'System' },
      { label: 'Samples', align: 'right' },
      { label: 'mean (ms)', align: 'right' },
      { label: 'mean / raw', align: 'right' },
      { label: 'p50 (ms)', align: 'right' },
      { label: 'p90 (ms)', align: 'right' },
      { label: 'p99 (ms)', align: 'right' },
      { label: 'p99.9 (ms)', align: 'right' },
      { label: 'p50 / raw', align: 'right' },
      { label: 'p99 / raw', align: 'right' },
      { label: 'added at p50 (µs)', align: 'right' },
    ],
    rows: (['reliable', 'unreliable'] as const).flatMap((lane) =>
      systems.map((system) => {
        const q = result.rtt[lane].pooled[system];
        const raw = result.rtt[lane].pooled.raw;
        return [
          lane,
          systemLabels[system],
          String(q.n),
          q.mean === undefined ? '–' : ms(q.mean),
          system === 'raw' || q.mean === undefined || raw.mean === undefined ? (system === 'raw' ? '1' : '–') : `${(q.mean / raw.mean).toFixed(2)}×`,
          ms(q.p50),
          ms(q.p90),
          ms(q.p99),
          ms(q.p999),
          system === 'raw' ? '1' : `${(q.p50 / raw.p50).toFixed(2)}×`,
          system === 'raw' ? '1' : `${(q.p99 / raw.p99).toFixed(2)}×`,
          system === 'raw' ? '—' : ((q.p50 - raw.p50) * 1000).toFixed(1),
        ];
      }),
    ),
    note:
      `The same round trips as above (${input.rttRounds} rounds × ${input.pingsPerRound}, warm-up left out), pooled per system: tails from ` +
      `${input.rttRounds * input.pingsPerRound} samples each. "Added" is what Beckon or PeerJS adds to a round trip, in microseconds.` +
      (place.startsWith('Node')
        ? ''
        : " In a page that is not cross-origin isolated Chromium's `performance.now()` moves in 100 µs steps, as large as the round trips: " +
          'these quantiles are multiples of 0.1 ms and their ratios quantised (cross-origin isolation broke the PeerServer connection here; not fixed). ' +
          'The steps are jittered, so the mean over 10,000 samples is precise: read the mean columns for the overhead.'),
  };
  const peaks = result.bulk.peakMiB;
  const node = place.startsWith('Node');
  // Results stored before byte streams existed have neither the stream variant nor memory.
  const measured = bulkSystems.filter((system) => result.bulk.mbps[system] !== undefined);
  const bulkTable: Table = {
    title: `Bulk transfer of ${Math.round(input.bulkBytes / 2 ** 20)} MiB on the reliable lane, ${place}`,
    columns: [
      { label: 'System' },
      { label: 'MB/s', align: 'right' },
      { label: '/ raw', align: 'right' },
      ...(peaks
        ? node
          ? [{ label: 'peak memory, both ends (MiB)', align: 'right' as const }]
          : [
              { label: 'peak memory, sender (MiB)', align: 'right' as const },
              { label: 'peak memory, receiver (MiB)', align: 'right' as const },
            ]
        : []),
    ],
    rows: measured.map((system) => [
      bulkLabels[system],
      formatSummary(result.bulk.mbps[system], mb),
      system === 'raw' ? '1' : formatRatioSummary(result.bulk.ratio[system]),
      ...(peaks?.[system] ? (node ? [formatSummary(peaks[system].sender, mb)] : [formatSummary(peaks[system].sender, mb), formatSummary(peaks[system].receiver, mb)]) : []),
    ]),
    note:
      `From the first send until the receiver confirmed it had every byte; ${input.bulkRounds} rounds, systems alternating. ` +
      'Beckon sends one message, chunked into 16 KiB frames with back-pressure and acknowledged; its byte stream (`sendBytes`) ' +
      "sends the same bytes chunk by chunk as they leave, under the receiver's credit (a 4 MiB window), and the receiver reads " +
      'and drops each chunk; raw sends 16 KiB slices with ' +
      'a 1 MiB high-water mark on `bufferedAmount`; PeerJS sends one `Uint8Array` inside an object, which BinaryPack packs and PeerJS chunks.' +
      (peaks
        ? ' Peak memory is the most in use during a transfer above the level just before it (after a full collection), beyond the ' +
          "app's payload, which every system is handed ready-made; " +
          (node
            ? 'both Node peers share one process, so one figure (JS heap + ArrayBuffers, sampled every 5 ms) covers both ends.'
            : 'per page over CDP `Runtime.getHeapUsage` (JS heap + ArrayBuffer backing stores), sampled every 10 ms; the driver page sends.')
        : ''),
  };
  const key = place.startsWith('Node') ? 'node' : 'chromium';
  const rttChart: BarChart = {
    id: 'rtt',
    title: `Round-trip time, small message (${place})`,
    unit: 'ms, p50 with p25–p75 of rounds',
    categories: ['reliable p50', 'reliable p99', 'unreliable p50', 'unreliable p99'],
    series: systems.map((system) => ({
      name: systemLabels[system],
      values: (['reliable', 'unreliable'] as const).flatMap((lane) =>
        (['p50', 'p99'] as const).map((q) => {
          const s = result.rtt[lane][q][system];
          return { value: s.median, low: s.p25, high: s.p75 };
        }),
      ),
    })),
  };
  const bulkChart: BarChart = {
    id: 'bulk',
    title: `Bulk throughput, ${Math.round(input.bulkBytes / 2 ** 20)} MiB on the reliable lane (${place})`,
    unit: 'MB/s (median, p25–p75)',
    categories: measured.map((system) => bulkLabels[system]),
    series: [{ name: 'MB/s', values: measured.map((system) => ({ value: result.bulk.mbps[system].median, low: result.bulk.mbps[system].p25, high: result.bulk.mbps[system].p75 })) }],
  };
  const r = result.rtt.reliable;
  const u = result.rtt.unreliable;
  const summary =
    `${place}: Beckon's round trip is ${formatRatioSummary(r.p50Ratio.beckon)} of a raw data channel's at p50 on the reliable lane ` +
    `(${ms(r.p50.beckon.median)} vs ${ms(r.p50.raw.median)} ms) and ${formatRatioSummary(u.p50Ratio.beckon)} on the unreliable lane; ` +
    `PeerJS ${formatRatioSummary(r.p50Ratio.peerjs)}. Over ${r.pooled.beckon.n} pooled round trips per lane, Beckon adds ` +
    `${((r.pooled.beckon.p50 - r.pooled.raw.p50) * 1000).toFixed(0)} µs at p50 on the reliable lane and ${((u.pooled.beckon.p50 - u.pooled.raw.p50) * 1000).toFixed(0)} µs on the unreliable one; ` +
    `reliable p99 ${ms(r.pooled.beckon.p99)} vs ${ms(r.pooled.raw.p99)} ms (${(r.pooled.beckon.p99 / r.pooled.raw.p99).toFixed(2)}×)` +
    (r.pooled.beckon.mean !== undefined && r.pooled.raw.mean !== undefined && u.pooled.beckon.mean !== undefined && u.pooled.raw.mean !== undefined
      ? `; mean round trip ${ms(r.pooled.beckon.mean)} vs ${ms(r.pooled.raw.mean)} ms reliable (${(r.pooled.beckon.mean / r.pooled.raw.mean).toFixed(2)}×), ` +
        `${ms(u.pooled.beckon.mean)} vs ${ms(u.pooled.raw.mean)} ms unreliable (${(u.pooled.beckon.mean / u.pooled.raw.mean).toFixed(2)}×)`
      : '') +
    `. Bulk: Beckon ${mb(result.bulk.mbps.beckon.median)} MB/s, ` +
    `${formatRatioSummary(result.bulk.ratio.beckon)} of raw (${mb(result.bulk.mbps.raw.median)} MB/s); PeerJS ` +
    `${mb(result.bulk.mbps.peerjs.median)} MB/s (${formatRatioSummary(result.bulk.ratio.peerjs)}).` +
    (result.bulk.mbps['beckon-stream']
      ? ` Beckon's byte stream: ${mb(result.bulk.mbps['beckon-stream'].median)} MB/s, ${formatRatioSummary(result.bulk.ratio['beckon-stream'])} of raw` +
        (peaks ? `, peak memory ${mb(peaks['beckon-stream'].sender.median)} MiB${node ? '' : ` sending, ${mb(peaks['beckon-stream'].receiver.median)} MiB receiving`} (one message: ${mb(peaks.beckon.sender.median)}${node ? '' : ` / ${mb(peaks.beckon.receiver.median)}`} MiB).` : '.')
      : '') +
    (isolated ? '' : ' (Not isolated: no network namespace could be created.)');
  return {
    summary,
    tables: [rttTable, pooledTable, bulkTable],
    charts: [
      { ...rttChart, id: `${key}-rtt` },
      { ...bulkChart, id: `${key}-bulk` },
    ],
    data: { input, isolated, ...result },
  };
}

export const networkOverhead: Benchmark = {
  name: 'network-overhead',
  title: 'Beckon vs raw data channels vs PeerJS (Node, real WebRTC)',
  description:
    'Two Node peers in one process over real WebRTC (node-datachannel), signalled through a real PeerServer (`startServer`), ' +
    'inside a loopback-only network namespace made for the run. Beckon (a host room and a member) is measured against the ' +
    'physical limit, bare negotiated RTCDataChannels with the same lane settings on the same kind of connection, and against ' +
    'PeerJS as its users use it. Each system has its own connection; they are measured in rotating order.',
  needs: ['network-lab'],
  async run(ctx) {
    const input = ctx.quick ? quickOverhead : fullOverhead;
    const { result, isolated } = await runInLab<OverheadInput, OverheadResult>(ctx, 'lab/tasks/overhead.ts', 'overheadNode', input, 600_000);
    return overheadReport(result, input, 'Node (node-datachannel)', isolated);
  },
};
