import { startServer } from '@beckon/cli';
import { createHostCredentials, defaultLanes, encodeFrame, formatInvite, hostRoom, joinRoom, parseInvite } from '@beckon/core';
import type { Invite, Link, MemberRoom } from '@beckon/core';
import { Ack, Chunk, Heartbeat, encodeChunkFrame, memberSession } from '@beckon/core/testing';
import { createPeerJsTransport } from '@beckon/peerjs';
import { benchTypes, Done, Ping } from '../messages.ts';
import { runTask } from '../namespace.ts';
import type { LabReporter } from '../namespace.ts';
import { cleanupLabWebRTC, installLabWebRTC } from '../node-webrtc.ts';
import type { SignalServer } from '../pair.ts';

/** What a hostile peer sends in one phase. */
export type Attack = 'pre-auth' | 'pre-auth-fresh-ids' | 'heartbeats' | 'acks' | 'chunks' | 'actions';
export const attacks: readonly Attack[] = ['pre-auth', 'pre-auth-fresh-ids', 'heartbeats', 'acks', 'chunks', 'actions'];

export interface FloodsInput {
  readonly attacks: readonly Attack[];
  /** Length of each measured window (calm ones included). */
  readonly phaseMs: number;
  /** Frames per second the attacker tries to send. */
  readonly attackRate: number;
  /** Concurrent links of the pre-auth attack. */
  readonly strangerLinks: number;
}

export interface PhaseWindow {
  readonly name: 'calm' | Attack;
  readonly start: number;
  readonly end: number;
  /** Frames the attacker got onto its channels in the window. */
  readonly framesSent: number;
  /** When the host closed the attacker's link(s), ms after the window started; undefined if it never did. */
  readonly closedAfterMs: number | undefined;
}

export interface FloodsResult {
  readonly windows: PhaseWindow[];
  /** The honest member's round trips: monotonic send time and RTT, in ms. */
  readonly samples: (readonly [number, number])[];
  readonly honestLost: number;
  /** Host heap and ArrayBuffers at the start and the largest seen during the run, bytes. */
  readonly hostMemory: { readonly startHeap: number; readonly peakHeap: number; readonly startBuffers: number; readonly peakBuffers: number };
  /** The honest member stayed joined as the same participant throughout. */
  readonly honestStayed: boolean;
}

/** The monotonic clock, shared by every process on the machine (CLOCK_MONOTONIC), in ms. */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface PeerInput {
  readonly signal: SignalServer;
  readonly hostId: string;
  readonly invite: string;
}

/** The honest member: a ping every 10 ms, each answered by the host, until the host says Done. */
export async function floodsHonest(input: PeerInput): Promise<{ samples: (readonly [number, number])[]; lost: number; states: string[] }> {
  installLabWebRTC();
  const invite = parseInvite(input.invite)!;
  const pending = new Map<number, number>();
  const samples: (readonly [number, number])[] = [];
  const states: string[] = [];
  let done = false;
  const room = await joinRoom({ transport: await createPeerJsTransport({ ...input.signal }), hostId: input.hostId, name: 'Honest', invite, types: benchTypes }, (r) => {
    r.on(Ping, (ping) => {
      const sentAt = pending.get(ping.seq);
      if (sentAt === undefined) return;
      pending.delete(ping.seq);
      samples.push([sentAt, monotonicMs() - sentAt]);
    });
    r.on(Done, () => void (done = true));
  });
  room.on('state', (state) => states.push(state));
  const pad = new Uint8Array(32);
  for (let seq = 1; !done; seq++) {
    pending.set(seq, monotonicMs());
    room.send(Ping, { seq, pad });
    await sleep(10);
  }
  await room.leave();
  cleanupLabWebRTC();
  return { samples, lost: [...pending.values()].filter((at) => monotonicMs() - at > 1000).length, states };
}

/** Sends `frame()` at `rate` per second on `channel` for `ms`, as fast as the channel takes it; returns frames sent. */
async function pump(link: Link, lane: 'reliable' | 'unreliable', frame: () => Uint8Array, rate: number, ms: number): Promise<number> {
  const channel = link.channels.get(lane);
  if (channel === undefined) return 0;
  const tickMs = 5;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const until = performance.now() + ms;
  let sent = 0;
  while (performance.now() < until && channel.state === 'open') {
    // An attacker cannot push more than the channel carries: beyond 4 MiB buffered it waits like anyone.
    if (channel.bufferedAmount < 4 * 2 ** 20) {
      for (let i = 0; i < perTick; i++) {
        try {
          channel.send(frame());
          sent++;
        } catch {
          break;
        }
      }
    }
    await sleep(tickMs);
  }
  return sent;
}

/** A joined attacker holding the invite, whose raw link floods; a fresh identity per phase (removal sticks). */
async function joinedAttacker(input: PeerInput, invite: Invite, index: number): Promise<{ room: MemberRoom; link: Link }> {
  const room = await joinRoom({
    transport: await createPeerJsTransport({ ...input.signal }),
    hostId: input.hostId,
    name: `Mallory ${index}`,
    invite,
    types: benchTypes,
    reconnect: false,
  });
  return { room, link: memberSession(room)!.link };
}

function frameFor(attack: Exclude<Attack, 'pre-auth' | 'pre-auth-fresh-ids'>, seq: () => number): () => Uint8Array {
  switch (attack) {
    case 'heartbeats':
      return () => encodeFrame({ type: Heartbeat.id, payload: Heartbeat.encode({ sentAt: Date.now(), echo: 0 }) });
    case 'acks':
      return () => encodeFrame({ type: Ack.id, payload: Ack.encode({ seq: seq(), refused: [] }) });
    case 'chunks':
      // Absurd headers: a transfer of 2^32-1 empty chunks, each on a new transfer id.
      return () => encodeChunkFrame({ transfer: seq(), index: 0, count: 2 ** 32 - 1, type: Ping.id, message: { length: 2 ** 31 } }, new Uint8Array(0));
    case 'actions':
      return () => encodeFrame({ type: Ping.id, payload: Ping.encode({ seq: 1, pad: new Uint8Array(32) }), seq: seq() });
  }
}

/** The attacker: a calm window, then each attack in its own window, then calm again. */
export async function floodsAttacker(input: PeerInput & { readonly run: FloodsInput }, reporter: LabReporter): Promise<{ windows: PhaseWindow[] }> {
  installLabWebRTC();
  const invite = parseInvite(input.invite)!;
  const windows: PhaseWindow[] = [];
  const calm = async (): Promise<void> => {
    const start = monotonicMs();
    await sleep(input.run.phaseMs);
    windows.push({ name: 'calm', start, end: monotonicMs(), framesSent: 0, closedAfterMs: undefined });
  };
  await sleep(1000);
  await calm();
  for (const [index, attack] of input.run.attacks.entries()) {
    let counter = 0;
    const seq = (): number => ++counter;
    let closedAt: number | undefined;
    let start: number;
    let framesSent = 0;
    if (attack === 'pre-auth' || attack === 'pre-auth-fresh-ids') {
      // Strangers without the invite: links that never join, sending garbage; each closed link is opened again, from
      // the same transport id, or (costlier for the attacker too) from a new PeerServer id every time.
      const fresh = attack === 'pre-auth-fresh-ids';
      const shared = fresh ? undefined : await createPeerJsTransport({ ...input.signal });
      start = monotonicMs();
      const garbage = (): Uint8Array => crypto.getRandomValues(new Uint8Array(48));
      const perLink = input.run.attackRate / input.run.strangerLinks;
      await Promise.all(
        Array.from({ length: input.run.strangerLinks }, async () => {
          while (monotonicMs() - start < input.run.phaseMs) {
            const transport = shared ?? (await createPeerJsTransport({ ...input.signal }));
            const link = await transport.connect(input.hostId, { lanes: defaultLanes, timeoutMs: 2000 }).catch(() => undefined);
            if (link === undefined) {
              if (fresh) await transport.close();
              await sleep(200);
              continue;
            }
            link.onClose(() => (closedAt ??= monotonicMs() - start));
            framesSent += await pump(link, 'reliable', garbage, perLink, input.run.phaseMs - (monotonicMs() - start));
            link.close();
            if (fresh) await transport.close();
          }
        }),
      );
      await shared?.close();
    } else {
      const { room, link } = await joinedAttacker(input, invite, index);
      link.onClose(() => (closedAt ??= monotonicMs() - start));
      start = monotonicMs();
      framesSent = await pump(link, attack === 'heartbeats' ? 'unreliable' : 'reliable', frameFor(attack, seq), input.run.attackRate, input.run.phaseMs);
      const left = input.run.phaseMs - (monotonicMs() - start);
      if (left > 0) await sleep(left);
      await room.leave().catch(() => {});
    }
    windows.push({ name: attack, start, end: monotonicMs(), framesSent, closedAfterMs: closedAt });
    reporter.progress(index + 1, input.run.attacks.length, attack);
    // Let the host settle before the next window.
    await sleep(1500);
  }
  await calm();
  cleanupLabWebRTC();
  return { windows };
}

/** The host (with its invite and default rate limits) in this process; the honest member and the attacker in two others. */
export async function floods(input: FloodsInput, reporter: LabReporter): Promise<FloodsResult> {
  installLabWebRTC();
  const server = await startServer({ port: 0 });
  const signal: SignalServer = { host: server.host, port: server.port, path: server.path };
  const hostId = 'floods-host';
  const credentials = await createHostCredentials(hostId);
  const host = hostRoom({ transport: await createPeerJsTransport({ ...signal, id: hostId }), types: benchTypes, credentials });
  host.on(Ping, (ping, meta) => void host.send(Ping, ping, { to: [meta.from] }));
  host.on('error', () => {});
  const memory = () => {
    const usage = process.memoryUsage();
    return { heap: usage.heapUsed, buffers: usage.arrayBuffers };
  };
  const first = memory();
  let peakHeap = first.heap;
  let peakBuffers = first.buffers;
  const sampler = setInterval(() => {
    const now = memory();
    peakHeap = Math.max(peakHeap, now.heap);
    peakBuffers = Math.max(peakBuffers, now.buffers);
  }, 100);
  const peer: PeerInput = { signal, hostId, invite: formatInvite(credentials.invite) };
  const child = { progress: () => {}, log: (m: string) => reporter.log(m) };
  try {
    const honest = runTask<PeerInput, Awaited<ReturnType<typeof floodsHonest>>>(child, 'lab/tasks/floods.ts', 'floodsHonest', peer, 600_000);
    let failed: unknown;
    honest.catch((error: unknown) => (failed = error));
    while (host.participants.length < 2) {
      if (failed !== undefined) throw failed;
      await sleep(50);
    }
    const honestId = host.participants.find((p) => p.id !== host.selfId)!.id;
    const attacker = await runTask<PeerInput & { run: FloodsInput }, { windows: PhaseWindow[] }>(
      { progress: (d, t, l) => reporter.progress(d, t, l), log: (m) => reporter.log(m) },
      'lab/tasks/floods.ts',
      'floodsAttacker',
      { ...peer, run: input },
      600_000,
    );
    const stayed = host.participants.some((p) => p.id === honestId);
    host.send(Done, { bytes: 0 }, { to: [honestId] });
    const result = await honest;
    return {
      windows: attacker.windows,
      samples: result.samples,
      honestLost: result.lost,
      hostMemory: { startHeap: first.heap, peakHeap, startBuffers: first.buffers, peakBuffers },
      honestStayed: stayed && result.states.length === 0,
    };
  } finally {
    clearInterval(sampler);
    await host.close();
    await server.close();
    cleanupLabWebRTC();
  }
}
