import { startServer } from '@beckon/cli';
import { encodeFrame, hostRoom, joinRoom } from '@beckon/core';
import { hostSession } from '@beckon/core/testing';
import type { MemberRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { quantile } from '../../harness/stats.ts';
import { benchTypes, State } from '../messages.ts';
import { runTask } from '../namespace.ts';
import type { LabReporter } from '../namespace.ts';
import { cleanupLabWebRTC, installLabWebRTC } from '../node-webrtc.ts';
import { threadCpuMs } from '../thread-cpu.ts';
import type { SignalServer } from '../pair.ts';

export interface FanoutInput {
  readonly sizes: readonly number[];
  /** Members joining at once. */
  readonly concurrency: number;
  readonly broadcastHz: number;
  readonly broadcastSeconds: number;
}

export interface FanoutRow {
  readonly members: number;
  /** Time until every member had joined. */
  readonly allJoinedMs: number;
  /** Each member's joinRoom duration (PeerServer signalling, ICE, DTLS, SCTP, lanes, Join/Welcome). */
  readonly joinP50Ms: number;
  readonly joinP95Ms: number;
  /** Host process RSS growth per member, bytes. */
  readonly rssPerMember: number;
  /** Host CPU per member while idle (heartbeats only) and while broadcasting, % of one core. */
  readonly idleCpuPerMember: number;
  readonly broadcastCpuPerMember: number;
  /** The host's CPU while broadcasting split by thread, % of one core: the JavaScript thread (Beckon and the channel
   * sends it makes) and the WebRTC stack's own threads (SCTP, DTLS, ICE, sockets). */
  readonly broadcastMainCpu: number;
  readonly broadcastWebrtcCpu: number;
  /** The same broadcasts as bare bytes of the same size written straight to each member's channel: the WebRTC floor. */
  readonly rawBroadcastCpu: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  /** Broadcast messages received / expected (members × broadcasts). */
  readonly delivered: number;
  /** Latency samples behind the quantiles. */
  readonly samples: number;
}

interface MembersInput {
  readonly signal: SignalServer;
  readonly hostId: string;
  readonly members: number;
  readonly concurrency: number;
  readonly expect: number;
  /** How long the host broadcasts: the members wait that long and 30 s more for every broadcast. */
  readonly broadcastMs: number;
}

interface MembersResult {
  readonly joinMs: number[];
  readonly latencies: number[];
  readonly allJoinedMs: number;
}

/** The monotonic clock, shared by every process on the machine (CLOCK_MONOTONIC), in ms. */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The members' side, in its own process so the host's memory and CPU are the host's alone. */
export async function fanoutMembers(input: MembersInput, reporter: LabReporter): Promise<MembersResult> {
  installLabWebRTC();
  const joinMs: number[] = [];
  const latencies: number[] = [];
  const rooms: MemberRoom[] = [];
  const start = performance.now();
  let next = 0;
  const joinOne = async (): Promise<void> => {
    const began = performance.now();
    const transport = await createPeerJsTransport({ ...input.signal });
    const room = await joinRoom({ transport, hostId: input.hostId, types: benchTypes }, (r) =>
      r.on(State, (value) => latencies.push(monotonicMs() - value.sentAt)),
    );
    joinMs.push(performance.now() - began);
    rooms.push(room);
  };
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      while (next < input.members) {
        next++;
        await joinOne();
      }
    }),
  );
  const allJoinedMs = performance.now() - start;
  reporter.log(`${input.members} members joined in ${Math.round(allJoinedMs)} ms`);
  const deadline = performance.now() + input.broadcastMs + 30_000;
  while (latencies.length < input.expect && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
  cleanupLabWebRTC();
  return { joinMs, latencies, allJoinedMs };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface CpuUse {
  /** The whole process, % of one core. */
  readonly total: number;
  readonly main: number;
  readonly others: number;
}

function cpuPercent(run: () => Promise<void>): Promise<CpuUse> {
  const before = process.cpuUsage();
  const threads = threadCpuMs();
  const started = performance.now();
  return run().then(() => {
    const used = process.cpuUsage(before);
    const after = threadCpuMs();
    const elapsed = performance.now() - started;
    return {
      total: ((used.user + used.system) / 1000 / elapsed) * 100,
      main: ((after.main - threads.main) / elapsed) * 100,
      others: ((after.others - threads.others) / elapsed) * 100,
    };
  });
}

/** One host in this process; for each size a members process joins that many members over real WebRTC. */
export async function fanout(input: FanoutInput, reporter: LabReporter): Promise<{ rows: FanoutRow[] }> {
  installLabWebRTC();
  const server = await startServer({ port: 0 });
  const signal: SignalServer = { host: server.host, port: server.port, path: server.path };
  const rows: FanoutRow[] = [];
  try {
    for (const [index, size] of input.sizes.entries()) {
      const hostId = `fanout-host-${size}`;
      const transport = await createPeerJsTransport({ ...signal, id: hostId });
      const host = hostRoom({ transport, types: benchTypes, rateLimit: false });
      const broadcasts = Math.round(input.broadcastHz * input.broadcastSeconds);
      // Long enough for a CPU figure; the latency samples come from the Beckon broadcast.
      const rawSeconds = Math.min(5, input.broadcastSeconds);
      try {
        await sleep(300);
        const rssBefore = process.memoryUsage().rss;
        const members = runTask<MembersInput, MembersResult>(
          { progress: () => {}, log: (m) => reporter.log(m) },
          'lab/tasks/fanout.ts',
          'fanoutMembers',
          { signal, hostId, members: size, concurrency: input.concurrency, expect: size * broadcasts, broadcastMs: (input.broadcastSeconds + rawSeconds) * 1000 },
          180_000 + input.broadcastSeconds * 1000,
        );
        let failed: unknown;
        members.catch((error: unknown) => (failed = error));
        while (host.participants.length < size + 1) {
          if (failed !== undefined) throw failed;
          await sleep(50);
        }
        await sleep(1000);
        const rssPerMember = (process.memoryUsage().rss - rssBefore) / size;
        const idle = await cpuPercent(() => sleep(2000));
        const pad = new Uint8Array(24);
        // The floor, before the members have what they wait for and leave: frames of the same size written straight to every member's reliable channel, no Beckon on the way
        // (members drop them as malformed, which costs the host nothing).
        const sample = encodeFrame({ type: State.id, payload: State.encode({ seq: 1, sentAt: monotonicMs(), pad }), seq: 1, id: 1, ack: 1, sentAt: Date.now() });
        const channels = host.participants.flatMap((p) => hostSession(host, p.id)?.link.channels.get('reliable') ?? []);
        const raw = await cpuPercent(async () => {
          const start = performance.now();
          for (let seq = 0; seq < rawSeconds * input.broadcastHz; seq++) {
            const wait = start + (seq * 1000) / input.broadcastHz - performance.now();
            if (wait > 0) await sleep(wait);
            for (const channel of channels) {
              try {
                channel.send(sample);
              } catch {
                // A member that went away meanwhile: nothing to measure on it.
              }
            }
          }
        });
        const busy = await cpuPercent(async () => {
          const start = performance.now();
          for (let seq = 0; seq < broadcasts; seq++) {
            const wait = start + (seq * 1000) / input.broadcastHz - performance.now();
            if (wait > 0) await sleep(wait);
            // A small event on the reliable lane, to everyone.
            host.send(State, { seq, sentAt: monotonicMs(), pad }, { lane: 'reliable' });
          }
        });
        const result = await members;
        const latencies = result.latencies.sort((a, b) => a - b);
        const joins = result.joinMs.sort((a, b) => a - b);
        rows.push({
          members: size,
          allJoinedMs: result.allJoinedMs,
          joinP50Ms: quantile(joins, 0.5),
          joinP95Ms: quantile(joins, 0.95),
          rssPerMember,
          idleCpuPerMember: idle.total / size,
          broadcastCpuPerMember: busy.total / size,
          broadcastMainCpu: busy.main,
          broadcastWebrtcCpu: busy.others,
          rawBroadcastCpu: raw.total,
          latencyP50Ms: latencies.length > 0 ? quantile(latencies, 0.5) : Number.NaN,
          latencyP99Ms: latencies.length > 0 ? quantile(latencies, 0.99) : Number.NaN,
          latencyMaxMs: latencies[latencies.length - 1] ?? Number.NaN,
          delivered: latencies.length / (size * broadcasts),
          samples: latencies.length,
        });
        reporter.progress(index + 1, input.sizes.length, `${size} members`);
      } finally {
        await host.close();
      }
    }
    return { rows };
  } finally {
    await server.close();
    cleanupLabWebRTC();
  }
}
