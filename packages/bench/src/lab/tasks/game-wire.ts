import { startServer } from '@beckon/cli';
import { hostRoom, joinRoom } from '@beckon/core';
import { hostSession, memberSession } from '@beckon/core/testing';
import { GameClient, GameHost } from '@beckon/game';
import { createPeerJsTransport } from '@beckon/peerjs';
import { makeScene, rules, snapshotRate } from '../../benchmarks/game-scene.ts';
import type { LabReporter } from '../namespace.ts';
import { cleanupLabWebRTC, installLabWebRTC, useRelay } from '../node-webrtc.ts';
import { ImpairedRelay } from '../relay.ts';

/** How the client sends: `current` (changes at once, held controls at 20 Hz, nothing when still) or `every-tick`. */
export type InputPolicy = 'current' | 'every-tick';

export interface WireInput {
  readonly entities: number;
  readonly seconds: number;
  /** Default `current`. */
  readonly inputs?: InputPolicy;
  /**
   * Beckon's heartbeats all but off (one a minute), the standing scene only: what the transport sends of its own
   * (ICE checks, SCTP heartbeats). Returns no rows, only `floor`.
   */
  readonly heartbeatsOff?: boolean;
}

/** The standing scene with Beckon's heartbeats off, both directions together. */
export interface TransportFloor {
  readonly seconds: number;
  readonly bitsPerSecond: number;
  readonly kinds: readonly { readonly kind: string; readonly packetsPerSecond: number; readonly bitsPerSecond: number }[];
}

/** One direction of a game link, as the relay saw it. */
export interface WireDirection {
  /** UDP payload (DTLS, SCTP and Beckon frames) per second. */
  readonly udpBytesPerSecond: number;
  /** With 28 bytes of IPv4 and UDP header per packet: what the link carries. */
  readonly wireBytesPerSecond: number;
  readonly packetsPerSecond: number;
  /** Beckon frame bytes the sending session wrote per second, for comparison. */
  readonly frameBytesPerSecond: number;
}

/** Packets of one kind in one direction, as the relay saw them. */
export interface PacketKind {
  readonly kind: string;
  readonly direction: 'down' | 'up';
  readonly packetsPerSecond: number;
  /** With 28 bytes of IPv4 and UDP header per packet. */
  readonly wireBytesPerSecond: number;
}

/**
 * What a UDP packet between two WebRTC peers carries, from what is visible outside the encryption: STUN (ICE
 * connectivity and consent checks), or a DTLS record whose plaintext length (AES-GCM adds 24 bytes) sizes the SCTP
 * packet inside: 28 bytes is a SACK alone (12-byte common header + 16-byte SACK chunk); up to 80 bytes a small one
 * (a Beckon heartbeat is 52, its echo with a SACK riding along 76, an ack 44–60, SCTP's own HEARTBEAT 60); more is
 * data such as a snapshot.
 */
export function packetKind(data: Buffer): string {
  const first = data[0] ?? 0;
  if (first <= 3) return 'STUN (ICE checks)';
  if (first === 23 && data.length >= 13) {
    const plaintext = data.readUInt16BE(11) - 24;
    if (plaintext === 28) return 'SCTP: a SACK alone';
    if (plaintext <= 80) return 'SCTP: small (heartbeat, echo, ack, SCTP heartbeat)';
    return 'SCTP: data (snapshots, input packets)';
  }
  return 'DTLS other';
}

export interface WireRow {
  /** `held`: moving, and the player holds a key. */
  readonly scene: 'moving' | 'held' | 'idle';
  readonly inputs: InputPolicy;
  /** The packets by kind (see packetKind). */
  readonly kinds: readonly PacketKind[];
  readonly entities: number;
  readonly seconds: number;
  readonly down: WireDirection;
  readonly up: WireDirection;
}

const ipUdpHeaderBytes = 28;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A GameHost and a GameClient over real WebRTC through the lab's relay (no impairment), the scene moving or standing
 * still; the relay counts every UDP packet each way, inputs and acknowledgements included. Directions are told apart
 * by matching each route's bytes to what each session wrote (downstream carries the host's frames).
 */
export async function gameSyncWire(input: WireInput, reporter: LabReporter): Promise<{ rows: WireRow[]; floor?: TransportFloor }> {
  installLabWebRTC();
  const server = await startServer({ port: 0 });
  const signal = { host: server.host, port: server.port, path: server.path };
  const rows: WireRow[] = [];
  try {
    const relay = new ImpairedRelay();
    useRelay(relay);
    const session = input.heartbeatsOff ? { session: { heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 120_000 } } : {};
    const room = hostRoom({ transport: await createPeerJsTransport({ ...signal, id: 'game-wire-host' }), rateLimit: false, ...session });
    const scene = makeScene(input.entities, 7);
    // Standing still first, then moving, on one connection: the moving phase tells the directions apart.
    let moving = false;
    let host: GameHost | undefined;
    host = new GameHost(room, {
      rules,
      snapshotRate,
      lane: 'unreliable',
      step: (dt) => {
        if (moving) scene.step(dt);
        for (const [id, state] of scene.world) host!.world.set(id, state);
      },
    });
    const member = await joinRoom({ transport: await createPeerJsTransport(signal), hostId: 'game-wire-host', ...session });
    // The old way, for comparison in the same run: an input packet every tick, idle or not, 8 inputs deep.
    const everyTick = { skipIdleInputs: false, inputBatchTicks: 1, inputRedundancy: 8 } as const;
    const client = new GameClient(member, { rules, lane: 'unreliable', ...(input.inputs === 'every-tick' ? everyTick : {}) });
    useRelay(undefined);
    host.start();
    client.start();
    try {
      await sleep(1500);
      const hostStats = hostSession(room, member.selfId)!.stats;
      const memberStats = memberSession(member)!.stats;
      const phase = async (): Promise<{
        seconds: number;
        routes: Map<string, { bytes: number; packets: number }>;
        kinds: Map<string, { route: string; kind: string; bytes: number; packets: number }>;
        hostFrames: number;
        memberFrames: number;
      }> => {
        const before = { routes: new Map([...relay.routes].map(([k, v]) => [k, { ...v }])), host: hostStats.bytesSent, member: memberStats.bytesSent };
        const kinds = new Map<string, { route: string; kind: string; bytes: number; packets: number }>();
        relay.onPacket = (route, data) => {
          const kind = packetKind(data);
          const entry = kinds.get(`${route} ${kind}`) ?? { route, kind, bytes: 0, packets: 0 };
          entry.packets++;
          entry.bytes += data.length + ipUdpHeaderBytes;
          kinds.set(`${route} ${kind}`, entry);
        };
        const started = performance.now();
        await sleep(input.seconds * 1000);
        relay.onPacket = undefined;
        const seconds = (performance.now() - started) / 1000;
        for (const entry of kinds.values()) {
          entry.bytes /= seconds;
          entry.packets /= seconds;
        }
        const routes = new Map(
          [...relay.routes].map(([key, v]) => {
            const was = before.routes.get(key) ?? { packets: 0, bytes: 0 };
            return [key, { bytes: (v.bytes - was.bytes) / seconds, packets: (v.packets - was.packets) / seconds }] as const;
          }),
        );
        return { seconds, routes, kinds, hostFrames: (hostStats.bytesSent - before.host) / seconds, memberFrames: (memberStats.bytesSent - before.member) / seconds };
      };
      const idle = await phase();
      reporter.progress(1, 3, 'idle scene on the wire');
      if (input.heartbeatsOff) {
        const byKind = new Map<string, { packets: number; bytes: number }>();
        for (const entry of idle.kinds.values()) {
          const sum = byKind.get(entry.kind) ?? { packets: 0, bytes: 0 };
          sum.packets += entry.packets;
          sum.bytes += entry.bytes;
          byKind.set(entry.kind, sum);
        }
        const kinds = [...byKind].map(([kind, v]) => ({ kind, packetsPerSecond: v.packets, bitsPerSecond: v.bytes * 8 })).sort((x, y) => y.bitsPerSecond - x.bitsPerSecond);
        return { rows, floor: { seconds: idle.seconds, bitsPerSecond: kinds.reduce((sum, k) => sum + k.bitsPerSecond, 0), kinds } };
      }
      moving = true;
      await sleep(500);
      const busy = await phase();
      reporter.progress(2, 3, 'moving scene on the wire');
      // The player holds a key (the scene has no avatar to move: this measures what the inputs cost).
      client.setControls({ moveX: 1 });
      await sleep(500);
      const held = await phase();
      reporter.progress(3, 3, 'moving scene, key held, on the wire');
      const keys = [...busy.routes.keys()].sort((a, b) => busy.routes.get(b)!.bytes - busy.routes.get(a)!.bytes);
      const [first = '', second = ''] = keys;
      const bytes = (key: string): number => busy.routes.get(key)?.bytes ?? 0;
      // The pairing that fits the sessions' own counts best (downstream carries the host's snapshots).
      const straight = Math.abs(bytes(first) - busy.hostFrames) + Math.abs(bytes(second) - busy.memberFrames);
      const crossed = Math.abs(bytes(first) - busy.memberFrames) + Math.abs(bytes(second) - busy.hostFrames);
      const [downKey, upKey] = straight <= crossed ? [first, second] : [second, first];
      const direction = (route: { bytes: number; packets: number } | undefined, frames: number): WireDirection => ({
        udpBytesPerSecond: route?.bytes ?? 0,
        wireBytesPerSecond: (route?.bytes ?? 0) + (route?.packets ?? 0) * ipUdpHeaderBytes,
        packetsPerSecond: route?.packets ?? 0,
        frameBytesPerSecond: frames,
      });
      for (const [kind, measured] of [['moving', busy], ['held', held], ['idle', idle]] as const) {
        rows.push({
          scene: kind,
          inputs: input.inputs ?? 'current',
          entities: input.entities,
          seconds: measured.seconds,
          kinds: [...measured.kinds.values()]
            .filter((entry) => entry.route === downKey || entry.route === upKey)
            .map((entry) => ({ kind: entry.kind, direction: entry.route === downKey ? 'down' : 'up', packetsPerSecond: entry.packets, wireBytesPerSecond: entry.bytes }) as const)
            .sort((a, b) => b.wireBytesPerSecond - a.wireBytesPerSecond),
          down: direction(measured.routes.get(downKey), measured.hostFrames),
          up: direction(measured.routes.get(upKey), measured.memberFrames),
        });
      }
    } finally {
      client.dispose();
      host.dispose();
      await member.leave().catch(() => {});
      await room.close();
      await relay.close();
    }
    return { rows };
  } finally {
    await server.close();
    cleanupLabWebRTC();
  }
}
