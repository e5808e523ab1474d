import { formatInteger } from '../harness/format.ts';
import type { BarChart, Benchmark, BenchResult, Table } from '../harness/types.ts';
import { runInLab } from '../lab/namespace.ts';
import { profiles } from '../lab/profiles.ts';
import type { LaneRow, LanesInput } from '../lab/tasks/lanes.ts';

const full: LanesInput = { rounds: 4, sliceSeconds: 2.5, hz: 60, lanes: ['unreliable', 'reliable', 'partial'], stateBytes: 200 };
const quick: LanesInput = { rounds: 1, sliceSeconds: 2, hz: 60, lanes: ['unreliable', 'reliable', 'partial'], stateBytes: 200 };

const laneLabels: Record<string, string> = {
  unreliable: 'unreliable (unordered, sent once)',
  reliable: 'reliable (ordered)',
  partial: 'partial (unordered, 150 ms lifetime)',
};

const ms = (value: number | null): string => (value === null || Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : formatInteger(value));
const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;

export const lanesUnderLossBenchmark: Benchmark = {
  name: 'lanes-under-loss',
  title: 'Lanes under loss: a 60 Hz state stream on each lane',
  description:
    'A host streams 200-byte state messages at 60 Hz to one member (Node, node-datachannel, Beckon rooms over PeerJS signalling) ' +
    'through the lab\'s UDP relay, which delays, jitters and drops packets in both directions (the kernel has no netem; the ICE ' +
    'candidates each peer receives are rewritten to the relay\'s ports). Each profile gets a fresh connection, made over the clean ' +
    'relay and impaired once open. Latency is from `send` on the host to the member\'s handler, on one clock. Delay is one way.',
  needs: ['network-lab'],
  async run(ctx) {
    const input = ctx.quick ? quick : full;
    const { result, isolated } = await runInLab<LanesInput, { rows: LaneRow[] }>(ctx, 'lab/tasks/lanes.ts', 'lanesUnderLoss', input, 600_000);
    return lanesReport(result.rows, input, isolated, 'Node');
  },
};

/** The lanes-under-loss table, charts and summary, for rows measured in Node or in Chromium. */
export function lanesReport(rows: readonly LaneRow[], input: LanesInput, isolated: boolean, place: string): BenchResult {
  {
    const table: Table = {
      title: 'Delivery latency and delivered fraction per lane and network profile',
      columns: [
        { label: 'Profile' },
        { label: 'Lane' },
        { label: 'Delivered', align: 'right' },
        { label: 'p50 (ms)', align: 'right' },
        { label: 'p95 (ms)', align: 'right' },
        { label: 'p99 (ms)', align: 'right' },
        { label: 'max (ms)', align: 'right' },
        { label: '> 100 ms', align: 'right' },
        { label: 'p99, median of slices (ms)', align: 'right' },
        { label: 'Longest stall (ms)', align: 'right' },
      ],
      rows: rows.map((row) => [
        row.label,
        laneLabels[row.lane] ?? row.lane,
        pct(row.delivered / row.sent),
        ms(row.p50),
        ms(row.p95),
        ms(row.p99),
        ms(row.max),
        pct(row.lateOver100),
        ms(row.sliceP99Median),
        ms(row.maxLoopLagMs),
      ]),
      note:
        `Per profile, each lane streams ${input.rounds} slices of ${input.sliceSeconds} s (${Math.round(input.rounds * input.sliceSeconds * input.hz)} ` +
        'messages in all), the lanes alternating slice by slice; percentiles are over all its messages. "> 100 ms" counts messages ' +
        'that arrived more than 100 ms after they were sent, as a share of all sent. ' +
        (place === 'Node'
          ? 'Both peers and the relay share one Node process on a shared machine: "Longest stall" is the longest event-loop delay ' +
            'seen in any of the lane\'s slices, and where it is large the tail figures measure the machine, not the lane; the median ' +
            'of per-slice p99s is less sensitive to one stall.'
          : 'The two pages and the relay run in separate processes; event-loop stalls are not measured there ("–").'),
    };
    const lanes = [...new Set(rows.map((row) => row.lane))];
    const chart = (id: string, title: string, unit: string, pick: (row: LaneRow) => number): BarChart => ({
      id,
      title,
      unit,
      categories: profiles.map((p) => p.label),
      series: lanes.map((lane) => ({
        name: laneLabels[lane] ?? lane,
        values: profiles.map((p) => {
          const row = rows.find((r) => r.profile === p.key && r.lane === lane);
          return { value: row === undefined || Number.isNaN(pick(row)) ? 0 : pick(row) };
        }),
      })),
    });
    const find = (profile: string, lane: string): LaneRow | undefined => rows.find((r) => r.profile === profile && r.lane === lane);
    const lossU = find('delay25-loss5', 'unreliable');
    const lossR = find('delay25-loss5', 'reliable');
    const summary =
      lossU !== undefined && lossR !== undefined
        ? `At 25 ms + 5% loss the unreliable lane delivered ${pct(lossU.delivered / lossU.sent)} with p99 ${ms(lossU.p99)} ms; the ` +
          `reliable lane delivered everything but with p99 ${ms(lossR.p99)} ms and ${pct(lossR.lateOver100)} of messages over 100 ms late ` +
          '(head-of-line blocking behind retransmissions).' +
          (isolated ? '' : ' (Not isolated: no network namespace could be created.)')
        : '';
    return {
      summary,
      tables: [table],
      charts: [
        chart('p99', `State stream latency p99 per lane and profile (${place}; median of slices)`, 'ms', (row) => row.sliceP99Median),
        chart('delivered', 'Share of the state stream delivered', '% delivered', (row) => (row.delivered / row.sent) * 100),
      ],
      data: { input, isolated, rows },
    };
  }
}

export const lanesUnderLossChromium: Benchmark = {
  name: 'lanes-under-loss-chromium',
  title: 'Lanes under loss between two Chromium pages',
  description:
    'The same 60 Hz state stream and network profiles as above, between two pages of headless Debian Chromium (separate browser ' +
    'contexts, Beckon rooms over the PeerJS transport), through the lab\'s UDP relay: each page\'s remote descriptions and ICE ' +
    'candidates are rewritten by the relay in Node, through functions Playwright exposes to the page. Latency is from `send` in the ' +
    'host page to the handler in the member page, on the machine\'s one wall clock.',
  needs: ['network-lab', 'browser'],
  async run(ctx) {
    const input = ctx.quick ? quick : full;
    const { result, isolated } = await runInLab<LanesInput, { rows: LaneRow[]; chromium: string }>(
      ctx,
      'lab/tasks/lanes-chromium.ts',
      'lanesUnderLossChromium',
      input,
      600_000,
    );
    return lanesReport(result.rows, input, isolated, `Chromium ${result.chromium.split('.')[0]}`);
  },
};
