import { hostRoom, joinRoom } from '@beckon/core';
import { LoopbackNetwork } from '@beckon/core/testing';
import { benchTypes, Ping } from './lab/messages.ts';
const realSetTimeout = globalThis.setTimeout;
(globalThis as any).setTimeout = (fn: () => void, ms?: number, ...a: unknown[]) => (ms ? realSetTimeout(fn, ms, ...a) : setImmediate(fn));
const lane = (process.argv[2] ?? 'reliable') as 'reliable' | 'unreliable';
const n = Number(process.argv[3] ?? 50000);
const net = new LoopbackNetwork();
const host = hostRoom({ transport: net.transport('h'), types: benchTypes, rateLimit: false });
host.on(Ping, (v, meta) => host.send(Ping, v, { to: meta.from, lane: meta.lane }));
const member = await joinRoom({ transport: net.transport('m'), hostId: 'h', types: benchTypes });
let resolve: (() => void) | undefined;
member.on(Ping, () => resolve?.());
const pad = new Uint8Array(28);
async function run(count: number) { for (let i = 0; i < count; i++) await new Promise<void>((r) => { resolve = r; member.send(Ping, { seq: i, pad }, { lane }); }); }
// Baseline: the same loop over bare loopback channels is not available, so measure the empty hop too.
async function emptyHops(count: number) { for (let i = 0; i < count; i++) await new Promise<void>((r) => setImmediate(() => setImmediate(r))); }
await run(5000); await emptyHops(5000);
let w = performance.now(); let t = process.cpuUsage(); await emptyHops(n); const empty = process.cpuUsage(t); const emptyWall = performance.now() - w;
w = performance.now(); t = process.cpuUsage(); await run(n); const full = process.cpuUsage(t); const fullWall = performance.now() - w;
const us = (c: NodeJS.CpuUsage) => (c.user + c.system) / n;
console.log(lane, 'wall us/rt', (fullWall * 1000 / n).toFixed(2), 'empty', (emptyWall * 1000 / n).toFixed(2), '|', 'beckon cpu us/rt', us(full).toFixed(2), 'two empty hops', us(empty).toFixed(2), 'beckon extra', (us(full) - us(empty)).toFixed(2));
await member.leave(); await host.close(); process.exit(0);
