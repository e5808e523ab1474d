import { formatInteger } from '../harness/format.ts';
import { quantile } from '../harness/stats.ts';
import type { Benchmark, Table } from '../harness/types.ts';
import { runInLab } from '../lab/namespace.ts';
import { attacks } from '../lab/tasks/floods.ts';
import type { FloodsInput, FloodsResult, PhaseWindow } from '../lab/tasks/floods.ts';

const ms = (value: number): string => (value < 10 ? value.toFixed(1) : formatInteger(value));
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface PhaseRow {
  readonly name: string;
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  readonly framesPerSecond: number;
  readonly closedAfterMs: number | undefined;
}

function rowsOf(result: FloodsResult): PhaseRow[] {
  const inWindow = (window: PhaseWindow): number[] =>
    result.samples.filter(([at]) => at >= window.start && at < window.end).map(([, rtt]) => rtt).sort((a, b) => a - b);
  const calm = result.windows.filter((window) => window.name === 'calm').flatMap(inWindow).sort((a, b) => a - b);
  const calmP50 = quantile(calm, 0.5);
  const calmP99 = quantile(calm, 0.99);
  const row = (name: string, samples: number[], window?: PhaseWindow): PhaseRow => ({
    name,
    samples: samples.length,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    p50Ratio: quantile(samples, 0.5) / calmP50,
    p99Ratio: quantile(samples, 0.99) / calmP99,
    framesPerSecond: window ? (window.framesSent * 1000) / (window.end - window.start) : 0,
    closedAfterMs: window?.closedAfterMs,
  });
  return [row('calm (before and after)', calm), ...result.windows.filter((w) => w.name !== 'calm').map((w) => row(w.name, inWindow(w), w))];
}

const attackNames: Record<string, string> = {
  'pre-auth': 'Strangers without the invite: garbage on unjoined links',
  'pre-auth-fresh-ids': 'The same, from a new PeerServer id for every link',
  heartbeats: 'A joined member: heartbeats',
  acks: 'A joined member: acks',
  chunks: 'A joined member: chunk headers of 2^32-1 chunks',
  actions: 'A joined member: valid actions far over its rate',
};

export const floodsBenchmark: Benchmark = {
  name: 'floods',
  title: "Floods: an honest member's round trip while a hostile peer floods the host (Node, real WebRTC)",
  description:
    'A host room with an invite and default rate limits in one process, an honest member in a second and an attacker in a third, ' +
    'all Node peers over node-datachannel with a real PeerServer in a loopback-only namespace. The honest member sends a ping ' +
    'every 10 ms and the host answers it; its round trips are grouped by the window they were sent in. The attacker runs a ' +
    'calm window, then one window per attack (trying for a fixed frame rate, as fast as its channel takes it), then calm again; ' +
    'joined attacks use a fresh invited identity each (removal sticks). Host memory is sampled every 100 ms. Goal (issue #11): ' +
    "the honest member's p50 round trip stays within 1.5x of calm during every flood.",
  needs: ['network-lab'],
  async run(ctx) {
    const input: FloodsInput = { attacks, phaseMs: ctx.quick ? 1500 : 5000, attackRate: 38_000, strangerLinks: 8 };
    const { result, isolated } = await runInLab<FloodsInput, FloodsResult>(ctx, 'lab/tasks/floods.ts', 'floods', input, 600_000);
    const rows = rowsOf(result);
    const calm = rows[0]!;
    const worst = rows.slice(1).reduce((a, b) => (b.p50Ratio > a.p50Ratio ? b : a), rows[1] ?? calm);
    const table: Table = {
      title: "The honest member's round trip, per window",
      columns: [
        { label: 'Window' },
        { label: 'Attacker frames/s', align: 'right' },
        { label: 'Attacker cut off after', align: 'right' },
        { label: 'Honest RTT p50 / p99 (ms)', align: 'right' },
        { label: 'p50 / p99 vs calm', align: 'right' },
        { label: 'Samples', align: 'right' },
      ],
      rows: rows.map((row, i) => [
        i === 0 ? row.name : (attackNames[row.name] ?? row.name),
        i === 0 ? '' : formatInteger(row.framesPerSecond),
        i === 0 ? '' : row.closedAfterMs === undefined ? 'never' : `${ms(row.closedAfterMs)} ms`,
        `${ms(row.p50)} / ${ms(row.p99)}`,
        `${row.p50Ratio.toFixed(2)}x / ${row.p99Ratio.toFixed(2)}x`,
        formatInteger(row.samples),
      ]),
      note:
        `Host memory: heap ${mib(result.hostMemory.startHeap)} at the start, ${mib(result.hostMemory.peakHeap)} at most; ArrayBuffers ` +
        `${mib(result.hostMemory.startBuffers)} at the start, ${mib(result.hostMemory.peakBuffers)} at most. The honest member ` +
        `${result.honestStayed ? 'stayed joined throughout' : 'was dropped or reconnected during the run'}; ${result.honestLost} of its pings went unanswered. ` +
        'The attacker\'s process shares the two cores with the host and the honest member, so part of any slowdown is its own CPU.',
    };
    return {
      summary:
        `During the worst flood (${attackNames[worst.name] ?? worst.name}) the honest member's round trip was ${worst.p50Ratio.toFixed(2)}x calm at p50 ` +
        `(${ms(worst.p50)} ms against ${ms(calm.p50)} ms) and ${worst.p99Ratio.toFixed(2)}x at p99; host heap peaked at ${mib(result.hostMemory.peakHeap)}.` +
        (isolated ? '' : ' (Not isolated: no network namespace could be created.)'),
      tables: [table],
      charts: [
        {
          id: 'rtt',
          title: "Honest member's round trip during each flood",
          unit: 'ms',
          categories: rows.map((row) => row.name),
          series: [
            { name: 'p50', values: rows.map((row) => ({ value: row.p50 })) },
            { name: 'p99', values: rows.map((row) => ({ value: row.p99 })) },
          ],
        },
      ],
      data: { isolated, rows, hostMemory: result.hostMemory, honestStayed: result.honestStayed, honestLost: result.honestLost, windows: result.windows },
    };
  },
};
