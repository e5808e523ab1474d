import { hostRoom, joinRoom } from '@beckon/core';
import { LoopbackNetwork } from '@beckon/core/testing';
import { benchTypes, Ping } from './lab/messages.ts';
const realSetTimeout = globalThis.setTimeout;
(globalThis as any).setTimeout = (fn: () => void, ms?: number, ...a: unknown[]) => (ms ? realSetTimeout(fn, ms, ...a) : setImmediate(fn));
const lane = (process.argv[2] ?? 'reliable') as 'reliable' | 'unreliable';
const n = Number(process.argv[3] ?? 5000);
const net = new LoopbackNetwork({ maxMessageSize: 262144 });
const host = hostRoom({ transport: net.transport('h'), types: benchTypes, rateLimit: false, session: { maxQueuedBytes: 64 << 20 } });
host.on(Ping, (v, meta) => host.send(Ping, v, { to: meta.from, lane: meta.lane }));
const member = await joinRoom({ transport: net.transport('m'), hostId: 'h', types: benchTypes, session: { maxQueuedBytes: 64 << 20 } });
let got = 0; let done: (() => void) | undefined;
member.on(Ping, () => { if (++got === n) done?.(); });
const pad = new Uint8Array(28);
const rows: number[][] = [];
for (let round = 0; round < 12; round++) {
  got = 0;
  const all = new Promise<void>((r) => (done = r));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) member.send(Ping, { seq: i, pad }, { lane });
  const t1 = performance.now();
  let t2 = 0; setImmediate(() => (t2 = performance.now()));
  await all; const t3 = performance.now();
  await new Promise((r) => realSetTimeout(r, 20));
  if (round >= 2) rows.push([t1 - t0, t2 - t1, t3 - t2].map((x) => (x * 1000) / n));
}
const med = (i: number) => rows.map((r) => r[i]!).sort((a, b) => a - b)[rows.length >> 1]!.toFixed(2);
console.log(lane, 'µs per message: member send', med(0), '| host receive+reply', med(1), '| member receive', med(2));
await member.leave(); await host.close(); process.exit(0);
