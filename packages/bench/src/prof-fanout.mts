import { runInLab } from './lab/namespace.ts';
import type { FanoutInput, FanoutRow } from './lab/tasks/fanout.ts';
const size = Number(process.argv[2] ?? 300);
const concurrency = Number(process.argv[3] ?? 10);
const ctx = { quick: false, progress: () => {}, log: (m: string) => console.log(m) } as never;
const run = await runInLab<FanoutInput, { rows: FanoutRow[] }>(ctx, 'lab/tasks/fanout.ts', 'fanout', { sizes: [size], concurrency, broadcastHz: 20, broadcastSeconds: 3 }, 300_000);
const r = run.result.rows[0]!;
console.log(JSON.stringify({ size, concurrency, allJoined: Math.round(r.allJoinedMs), joinP50: Math.round(r.joinP50Ms), joinP95: Math.round(r.joinP95Ms), cpu: (r.broadcastCpuPerMember * size).toFixed(1), p50: r.latencyP50Ms.toFixed(1), p99: r.latencyP99Ms.toFixed(1), delivered: r.delivered }));
process.exit(0);
