import { hostRoom, joinRoom } from '@beckon/core';
import type { HostRoom, LaneName, MemberRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { benchTypes, State } from '../src/lab/messages.ts';
import { startDriver, startResponder } from '../src/lab/pair.ts';
import type { Driver, LaneKind, RttResult, SignalServer, System } from '../src/lab/pair.ts';

/**
 * One side of a benchmark pair in a page. Playwright calls these; the PeerServer is the one that served the page.
 */
const server: SignalServer = { host: location.hostname, port: Number(location.port), path: new URLSearchParams(location.search).get('path') ?? '/peerjs' };
const drivers = new Map<System, Driver>();

/**
 * The lab's relay, reached from the page: while `__labRelay` is on, remote descriptions and candidates are rewritten
 * (by the Node relay, through functions Playwright exposes) so this page's traffic goes through it. Patched on the
 * prototype, so it holds whatever PeerJS's adapter does to the constructor.
 */
type Lab = { __labRelay?: boolean; __labRewriteSdp?: (sdp: string) => Promise<string>; __labRewriteCandidate?: (candidate: string) => Promise<string | null> };
const lab = globalThis as unknown as Lab;
const proto = RTCPeerConnection.prototype;
const setRemote = proto.setRemoteDescription;
const addCandidate = proto.addIceCandidate;
proto.setRemoteDescription = async function (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) {
  if (lab.__labRelay && description?.sdp && lab.__labRewriteSdp) description = { type: description.type, sdp: await lab.__labRewriteSdp(description.sdp) };
  return setRemote.call(this, description as RTCSessionDescriptionInit);
} as typeof proto.setRemoteDescription;
proto.addIceCandidate = async function (this: RTCPeerConnection, candidate?: RTCIceCandidateInit | null) {
  if (lab.__labRelay && candidate?.candidate && lab.__labRewriteCandidate) {
    const rewritten = await lab.__labRewriteCandidate(candidate.candidate);
    if (rewritten === null) return;
    candidate = { ...candidate, candidate: rewritten };
  }
  return addCandidate.call(this, candidate ?? undefined);
} as typeof proto.addIceCandidate;

// The lanes-under-loss stream between two pages: one clock for both (same machine), so latency is send → handler.
const wallClock = (): number => performance.timeOrigin + performance.now();
let lanesHost: HostRoom | undefined;
let lanesMember: MemberRoom | undefined;
let expectLane: LaneName = 'unreliable';
const latencies = new Map<number, number>();

const api = {
  async responder(system: System, id: string): Promise<string> {
    return (await startResponder(system, server, id)).id;
  },
  async driver(system: System, responderId: string): Promise<void> {
    drivers.set(system, await startDriver(system, server, responderId));
  },
  rtt(system: System, lane: LaneKind, count: number): Promise<RttResult> {
    return driverOf(system).rtt(lane, count);
  },
  bulk(system: System, bytes: number): Promise<number> {
    return driverOf(system).bulk(bytes);
  },
  streamBulk(bytes: number): Promise<number> {
    const driver = driverOf('beckon');
    if (!driver.streamBulk) throw new Error('the beckon driver has no byte stream');
    return driver.streamBulk(bytes);
  },
  relay(on: boolean): void {
    lab.__labRelay = on;
  },
  async lanesHost(id: string): Promise<string> {
    lanesHost = hostRoom({ transport: await createPeerJsTransport({ ...server, id }), types: benchTypes, rateLimit: false });
    return id;
  },
  async lanesMember(hostId: string): Promise<void> {
    lanesMember = await joinRoom({ transport: await createPeerJsTransport(server), hostId, types: benchTypes }, (room) =>
      room.on(State, (value, meta) => {
        if (meta.lane === expectLane) latencies.set(value.seq, wallClock() - value.sentAt);
      }),
    );
  },
  expect(lane: LaneName): void {
    expectLane = lane;
    latencies.clear();
  },
  async lanesStream(lane: LaneName, count: number, hz: number, bytes: number): Promise<void> {
    const pad = new Uint8Array(bytes);
    const start = performance.now();
    for (let seq = 0; seq < count; seq++) {
      const wait = start + (seq * 1000) / hz - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lanesHost!.send(State, { seq, sentAt: wallClock(), pad }, { lane });
    }
  },
  take(): number[] {
    return [...latencies.values()];
  },
  async lanesClose(): Promise<void> {
    await lanesMember?.leave().catch(() => {});
    await lanesHost?.close();
    lanesMember = undefined;
    lanesHost = undefined;
  },
};

function driverOf(system: System): Driver {
  const driver = drivers.get(system);
  if (driver === undefined) throw new Error(`no ${system} driver in this page`);
  return driver;
}

(globalThis as unknown as { beckonBench: typeof api }).beckonBench = api;
