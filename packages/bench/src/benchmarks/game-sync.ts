import { startServer } from '@beckon/cli';
import { encodeFrame, hostRoom, joinRoom, messageType, rootFromJson } from '@beckon/core';
import type { LaneName, MessageType } from '@beckon/core';
import {
  decodeDelta,
  encodeDelta,
  encodeFull,
  entitiesFromFrame,
  frameFromEntities,
  GameClient,
  GameHost,
  Snapshot,
  SnapshotHistory,
  SnapshotReceiver,
} from '@beckon/game';
import type { EntityState, WorldFrame } from '@beckon/game';
import { createPeerJsTransport } from '@beckon/peerjs';
import { formatBytes, formatInteger, formatRatio } from '../harness/format.ts';
import { calibrate, quantile, rateSampler, summarize } from '../harness/stats.ts';
import type { Summary } from '../harness/stats.ts';
import type { BarChart, Benchmark, BenchContext, Table } from '../harness/types.ts';
import type { LabReporter } from '../lab/namespace.ts';
import { canIsolate, runInLab } from '../lab/namespace.ts';
import { cleanupLabWebRTC, installLabWebRTC, useRelay } from '../lab/node-webrtc.ts';
import { profile } from '../lab/profiles.ts';
import { ImpairedRelay } from '../lab/relay.ts';
import type { TransportFloor, WireInput, WireRow } from '../lab/tasks/game-wire.ts';

import { makeScene, rules, schema, snapshotRate, tickRate } from './game-scene.ts';

// ---- The formats compared ------------------------------------------------------------------------------------

const fullRoot = rootFromJson({
  nested: {
    bench: {
      nested: {
        Entity: {
          fields: {
            id: { type: 'uint32', id: 1 },
            x: { type: 'float', id: 2 },
            y: { type: 'float', id: 3 },
            heading: { type: 'float', id: 4 },
            kind: { type: 'uint32', id: 5 },
            color: { type: 'uint32', id: 6 },
          },
        },
        FullSnapshot: { fields: { tick: { type: 'uint32', id: 1 }, entities: { rule: 'repeated', type: 'Entity', id: 2 } } },
      },
    },
  },
});
interface FullEntity {
  id: number;
  x: number;
  y: number;
  heading: number;
  kind: number;
  color: number;
}
const FullSnapshot: MessageType<{ tick: number; entities: FullEntity[] }> = messageType(fullRoot, 'bench.FullSnapshot');

function entityList(world: ReadonlyMap<number, EntityState>): FullEntity[] {
  return [...world].map(([id, e]) => ({ id, x: e['x']!, y: e['y']!, heading: e['heading']!, kind: e['kind']!, color: e['color']! }));
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** What a careful JSON sender puts on the wire: positions to 2 decimals, angles to 3 (more would only cost more). */
function jsonSnapshot(tick: number, world: ReadonlyMap<number, EntityState>): string {
  return JSON.stringify({
    tick,
    entities: entityList(world).map((e) => ({ id: e.id, x: round(e.x, 2), y: round(e.y, 2), heading: round(e.heading, 3), kind: e.kind, color: e.color })),
  });
}

const textEncoder = new TextEncoder();

/**
 * Bytes on the wire for one message of `frameBytes` (the Beckon frame). Per SCTP packet: IPv4 20 + UDP 8 +
 * DTLS 1.2 record with AES-GCM 37 (13 header, 8 nonce, 16 tag) + SCTP common header 12 + DATA chunk header 16;
 * a packet carries up to 1,172 bytes of message (libwebrtc's 1,200-byte SCTP packets).
 */
export function withPacketOverhead(frameBytes: number): number {
  const packets = Math.max(1, Math.ceil(frameBytes / 1172));
  return frameBytes + packets * (20 + 8 + 37 + 12 + 16);
}

/** A Beckon frame around a payload, as the host's session sends it. */
function frameBytes(type: number, payload: Uint8Array): number {
  return encodeFrame({ type, payload, seq: 1000, sentAt: Date.now(), from: '', to: '' }).length;
}

// ---- Bytes per client per second ------------------------------------------------------------------------------

interface SizeRow {
  readonly entities: number;
  readonly moving: boolean;
  /** Mean bytes per snapshot for each format: payload (the app message) and on the wire. */
  readonly payload: Readonly<Record<FormatKey, number>>;
  readonly wire: Readonly<Record<FormatKey, number>>;
  /** Share of delta snapshots that were full (no acked baseline yet). */
  readonly fullShare: number;
  /** Mean age of the baseline, in snapshots. */
  readonly baselineAge: number;
}

type FormatKey = 'delta' | 'packed' | 'protobuf' | 'json';
const formatKeys: readonly FormatKey[] = ['delta', 'packed', 'protobuf', 'json'];
const formatLabels: Record<FormatKey, string> = {
  delta: 'Beckon delta (vs acked baseline)',
  packed: 'Beckon bit-packed full (no delta)',
  protobuf: 'full protobuf',
  json: 'full JSON',
};

/**
 * Runs host and client codecs in process over an ideal 25 ms-each-way link: every snapshot arrives, and each ack
 * reaches the host 60 ms after the snapshot was sent (the next input packet carries it), so the baseline is a
 * round trip old, as in a game. Returns mean sizes over `seconds` after a one-second warm-up.
 */
function measureSizes(entities: number, moving: boolean, seconds: number): SizeRow {
  const scene = makeScene(entities, entities);
  const history = new SnapshotHistory(schema);
  const receiver = new SnapshotReceiver(schema);
  const acks: { due: number; ack: number }[] = [];
  let hostAck = 0;
  let quietAt = 0;
  const totals: Record<FormatKey, number> = { delta: 0, packed: 0, protobuf: 0, json: 0 };
  const wire: Record<FormatKey, number> = { delta: 0, packed: 0, protobuf: 0, json: 0 };
  let counted = 0;
  let fulls = 0;
  let ageSum = 0;
  const warmupTicks = tickRate;
  const ticks = warmupTicks + Math.round(seconds * tickRate);
  for (let tick = 1; tick <= ticks; tick++) {
    // Idle: the world moves during the warm-up only, then stands still.
    if (moving || tick <= warmupTicks / 2) scene.step(1 / tickRate);
    if (tick % (tickRate / snapshotRate) !== 0) continue;
    const t = (tick * 1000) / tickRate;
    while (acks.length > 0 && acks[0]!.due <= t) hostAck = Math.max(hostAck, acks.shift()!.ack);
    const seq = history.take(tick, frameFromEntities(schema, scene.world));
    // The GameHost's rule: nothing goes to a client that has seen the world stand still (see GameHost.sendSnapshot).
    const changed = history.changedSeq;
    const skipped = (quietAt >= changed && hostAck >= quietAt) || (history.frozen && hostAck === history.latestSeq);
    let message: Uint8Array | undefined;
    if (!skipped) {
      const encoded = history.encodeLatest(hostAck);
      if (encoded.baseline !== 0 && encoded.baseline >= changed) quietAt = encoded.seq;
      message = Snapshot.encode({ seq, baseline: encoded.baseline, tick, lastInput: tick, avatar: 1, data: encoded.data });
      receiver.receive(encoded);
      acks.push({ due: t + 60, ack: receiver.ack });
      if (tick > warmupTicks) {
        if (encoded.baseline === 0) fulls++;
        else ageSum += seq - encoded.baseline;
      }
    }
    if (tick <= warmupTicks) continue;
    counted++;
    const packed = Snapshot.encode({ seq, baseline: 0, tick, lastInput: tick, avatar: 1, data: encodeFull(schema, history.frame(seq)!) });
    const protobuf = FullSnapshot.encode({ tick, entities: entityList(scene.world) });
    const json = textEncoder.encode(jsonSnapshot(tick, scene.world));
    const payloads: Record<FormatKey, Uint8Array | undefined> = { delta: message, packed, protobuf, json };
    for (const key of formatKeys) {
      const payload = payloads[key];
      if (!payload) continue; // not sent at all
      totals[key] += payload.length;
      wire[key] += withPacketOverhead(frameBytes(Snapshot.id, payload));
    }
  }
  const mean = (record: Record<FormatKey, number>): Record<FormatKey, number> =>
    Object.fromEntries(formatKeys.map((key) => [key, record[key] / counted])) as Record<FormatKey, number>;
  return { entities, moving, payload: mean(totals), wire: mean(wire), fullShare: fulls / counted, baselineAge: ageSum / Math.max(1, counted - fulls) };
}

// ---- Encode and decode time per snapshot ----------------------------------------------------------------------

interface TimingRow {
  readonly entities: number;
  readonly encodeUs: Readonly<Record<Exclude<FormatKey, 'packed'>, Summary>>;
  readonly decodeUs: Readonly<Record<Exclude<FormatKey, 'packed'>, Summary>>;
}

let sink = 0;

function timeOps(entities: number, rounds: number, sampleSeconds: number): TimingRow {
  const scene = makeScene(entities, 99);
  const frames: WorldFrame[] = [];
  for (let s = 0; s < 4; s++) {
    for (let i = 0; i < 3; i++) scene.step(1 / tickRate);
    frames.push(frameFromEntities(schema, scene.world));
  }
  const baseline = frames[0]!;
  const delta = encodeDelta(schema, baseline, frames[3]!);
  const json = jsonSnapshot(12, scene.world);
  const protobuf = FullSnapshot.encode({ tick: 12, entities: entityList(scene.world) });
  // Encode includes quantising the world (done once per snapshot) and, for the others, building the message.
  const ops = {
    encode: {
      delta: (n: number) => {
        for (let i = 0; i < n; i++) sink += encodeDelta(schema, baseline, frameFromEntities(schema, scene.world)).length;
      },
      protobuf: (n: number) => {
        for (let i = 0; i < n; i++) sink += FullSnapshot.encode({ tick: 12, entities: entityList(scene.world) }).length;
      },
      json: (n: number) => {
        for (let i = 0; i < n; i++) sink += textEncoder.encode(jsonSnapshot(12, scene.world)).length;
      },
    },
    decode: {
      delta: (n: number) => {
        for (let i = 0; i < n; i++) sink += entitiesFromFrame(schema, decodeDelta(schema, baseline, delta)).size;
      },
      protobuf: (n: number) => {
        for (let i = 0; i < n; i++) sink += FullSnapshot.decode(protobuf).entities.length;
      },
      json: (n: number) => {
        for (let i = 0; i < n; i++) sink += (JSON.parse(json) as { entities: unknown[] }).entities.length;
      },
    },
  };
  const result = { encodeUs: {}, decodeUs: {} } as { encodeUs: Record<string, Summary>; decodeUs: Record<string, Summary> };
  for (const phase of ['encode', 'decode'] as const) {
    const samplers = Object.entries(ops[phase]).map(([key, op]) => {
      op(50);
      return [key, rateSampler(op, calibrate(op, sampleSeconds))] as const;
    });
    const samples = new Map<string, number[]>(samplers.map(([key]) => [key, []]));
    for (let r = 0; r < rounds; r++) {
      // Rotating order, so drift on a shared machine does not favour one format.
      for (let k = 0; k < samplers.length; k++) {
        const [key, sample] = samplers[(k + r) % samplers.length]!;
        samples.get(key)!.push(1e6 / (sample() as number));
      }
    }
    const target = phase === 'encode' ? result.encodeUs : result.decodeUs;
    for (const [key, values] of samples) target[key] = summarize(values);
  }
  return { entities, ...(result as Pick<TimingRow, 'encodeUs' | 'decodeUs'>) };
}

// ---- Staleness through the lab's impaired link (a lab task: runs in its own network namespace) ---------------

export interface StalenessInput {
  readonly seconds: number;
  readonly entities: number;
  readonly lanes: readonly LaneName[];
  readonly profile: string;
}

export interface StalenessRow {
  readonly lane: LaneName;
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Snapshots sent and decoded by the client. */
  readonly sent: number;
  readonly decoded: number;
  readonly fullSnapshots: number;
  readonly relayDropped: number;
  readonly relayReceived: number;
}

/**
 * A GameHost and a GameClient (real WebRTC in Node, through the lab's relay) run the moving scene; for every host
 * tick, staleness is the time from the tick's change until the client has decoded a snapshot at least that new.
 */
export async function gameSyncStaleness(input: StalenessInput, reporter: LabReporter): Promise<{ rows: StalenessRow[] }> {
  installLabWebRTC();
  const server = await startServer({ port: 0 });
  const signal = { host: server.host, port: server.port, path: server.path };
  const impairment = profile(input.profile).impairment;
  const rows: StalenessRow[] = [];
  try {
    for (const [index, lane] of input.lanes.entries()) {
      const relay = new ImpairedRelay();
      useRelay(relay);
      const hostId = `game-sync-host-${index}`;
      const room = hostRoom({ transport: await createPeerJsTransport({ ...signal, id: hostId }), rateLimit: false });
      const scene = makeScene(input.entities, 7);
      const tickTimes = new Map<number, number>();
      let host: GameHost | undefined;
      host = new GameHost(room, {
        rules,
        snapshotRate,
        lane,
        step: (dt, tick) => {
          scene.step(dt);
          // The GameHost's world is the scene's: copy the new states in.
          for (const [id, state] of scene.world) host!.world.set(id, state);
          tickTimes.set(tick, performance.now());
        },
      });
      const member = await joinRoom({ transport: await createPeerJsTransport(signal), hostId });
      const client = new GameClient(member, { rules, lane });
      const arrivals: { tick: number; at: number }[] = [];
      member.on(Snapshot, () => {
        const tick = client.latest?.tick ?? 0;
        if (tick > (arrivals.at(-1)?.tick ?? 0)) arrivals.push({ tick, at: performance.now() });
      });
      useRelay(undefined);
      relay.impairment = impairment;
      host.start();
      client.start();
      try {
        const warmupMs = 1500;
        await new Promise((resolve) => setTimeout(resolve, warmupMs));
        const firstTick = host.tick;
        const before = { ...relay.stats };
        const decodedBefore = client.receiver.stats.decoded;
        const sentBefore = host.clients.get(member.selfId)?.snapshotsSent ?? 0;
        const fullBefore = host.clients.get(member.selfId)?.fullSnapshotsSent ?? 0;
        const total = Math.ceil(input.seconds);
        for (let s = 0; s < total; s++) {
          await new Promise((resolve) => setTimeout(resolve, (input.seconds * 1000) / total));
          reporter.progress(index * total + s + 1, input.lanes.length * total, `${lane} lane`);
        }
        const lastTick = host.tick;
        const link = host.clients.get(member.selfId);
        const sent = (link?.snapshotsSent ?? 0) - sentBefore;
        const fullSnapshots = (link?.fullSnapshotsSent ?? 0) - fullBefore;
        const relayStats = { dropped: relay.stats.dropped - before.dropped, received: relay.stats.received - before.received };
        host.stop();
        // Let what is in flight arrive (a reliable lane may be seconds behind).
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const decoded = client.receiver.stats.decoded - decodedBefore;
        const staleness: number[] = [];
        let a = 0;
        for (let tick = firstTick + 1; tick <= lastTick; tick++) {
          const changed = tickTimes.get(tick);
          if (changed === undefined) continue;
          while (a < arrivals.length && arrivals[a]!.tick < tick) a++;
          const seen = arrivals[a];
          if (seen) staleness.push(seen.at - changed);
        }
        staleness.sort((x, y) => x - y);
        rows.push({
          lane,
          samples: staleness.length,
          p50: quantile(staleness, 0.5),
          p95: quantile(staleness, 0.95),
          p99: quantile(staleness, 0.99),
          max: staleness.at(-1) ?? Number.NaN,
          sent,
          decoded,
          fullSnapshots,
          relayDropped: relayStats.dropped,
          relayReceived: relayStats.received,
        });
      } finally {
        client.dispose();
        host.dispose();
        await member.leave().catch(() => {});
        await room.close();
        await relay.close();
      }
    }
    return { rows };
  } finally {
    await server.close();
    cleanupLabWebRTC();
  }
}

// ---- The benchmark ---------------------------------------------------------------------------------------------

interface Settings {
  readonly sizeSeconds: number;
  readonly timingRounds: number;
  readonly sampleSeconds: number;
  readonly staleness: StalenessInput;
}

const fullSettings: Settings = {
  sizeSeconds: 20,
  timingRounds: 15,
  sampleSeconds: 0.03,
  staleness: { seconds: 20, entities: 64, lanes: ['unreliable', 'reliable'], profile: 'delay25-loss5' },
};
const quickSettings: Settings = {
  sizeSeconds: 2,
  timingRounds: 3,
  sampleSeconds: 0.005,
  staleness: { seconds: 3, entities: 64, lanes: ['unreliable', 'reliable'], profile: 'delay25-loss5' },
};

const kbps = (bytesPerSnapshot: number): string => formatInteger((bytesPerSnapshot * snapshotRate * 8) / 1000);
const bps = (bytesPerSnapshot: number): string => formatInteger(bytesPerSnapshot * snapshotRate);
const us = (s: Summary): string => `${s.median < 10 ? s.median.toFixed(1) : formatInteger(s.median)} [${s.p25 < 10 ? s.p25.toFixed(1) : formatInteger(s.p25)}–${s.p75 < 10 ? s.p75.toFixed(1) : formatInteger(s.p75)}]`;
const ms = (value: number): string => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : formatInteger(value));

/** The measured figures first: what the relay counted each way. */
function wireSummary(wire: readonly WireRow[], floor: TransportFloor | undefined): string[] {
  const find = (scene: WireRow['scene'], inputs: WireRow['inputs']): WireRow | undefined => wire.find((row) => row.scene === scene && row.inputs === inputs);
  const moving = find('moving', 'current');
  const idle = find('idle', 'current');
  const before = find('moving', 'every-tick');
  const idleBefore = find('idle', 'every-tick');
  if (!moving || !idle) return ['The on-the-wire run did not complete.'];
  const kB = (bytes: number): string => (bytes / 1000).toFixed(1);
  const bits = (row: WireRow): string => formatInteger((row.down.wireBytesPerSecond + row.up.wireBytesPerSecond) * 8);
  const stun = idle.kinds.filter((kind) => kind.kind.startsWith('STUN')).reduce((sum, kind) => sum + kind.wireBytesPerSecond * 8, 0);
  const held = find('held', 'current');
  const heldBefore = find('held', 'every-tick');
  return [
    `**Measured through the lab relay**, 256 moving entities cost ${kB(moving.down.wireBytesPerSecond)} KB/s down`,
    `(**${(moving.down.wireBytesPerSecond / snapshotRate / moving.entities).toFixed(2)} B per entity per snapshot**, all headers included) and`,
    `${kB(moving.up.wireBytesPerSecond)} KB/s up (acks as snapshots arrive; the player stands still)${before ? `, against ${kB(before.up.wireBytesPerSecond)} KB/s up with an input packet every tick` : ''};`,
    held ? `holding a key, ${kB(held.up.wireBytesPerSecond)} KB/s up${heldBefore ? ` (${kB(heldBefore.up.wireBytesPerSecond)} KB/s every tick)` : ''};` : '',
    `standing still, **${bits(idle)} bit/s per client** both ways${idleBefore ? ` (${bits(idleBefore)} bit/s with inputs every tick)` : ''}: heartbeats, their echoes and SACKs, and ${formatInteger(stun)} bit/s of ICE checks;`,
    floor
      ? `with Beckon's heartbeats off the link still carries ${formatInteger(floor.bitsPerSecond)} bit/s (ICE checks and SCTP's own heartbeats), the floor under any heartbeat scheme.`
      : '',
  ];
}

export async function runGameSync(ctx: BenchContext, settings: Settings) {
  const counts = [64, 256];
  const sizes: SizeRow[] = [];
  for (const [i, n] of counts.entries()) {
    sizes.push(measureSizes(n, true, settings.sizeSeconds), measureSizes(n, false, settings.sizeSeconds));
    ctx.progress(i + 1, counts.length + 2, `bytes, ${n} entities`);
  }
  const timings = counts.map((n) => timeOps(n, settings.timingRounds, settings.sampleSeconds));
  ctx.progress(counts.length + 1, counts.length + 2, 'encode/decode time');
  if (!Number.isFinite(sink)) throw new Error('sink');

  let staleness: StalenessRow[] = [];
  let isolated = false;
  let stalenessError: string | undefined;
  try {
    const run = await runInLab<StalenessInput, { rows: StalenessRow[] }>(ctx, 'benchmarks/game-sync.ts', 'gameSyncStaleness', settings.staleness, 300_000);
    staleness = run.result.rows;
    isolated = run.isolated;
  } catch (error) {
    stalenessError = error instanceof Error ? error.message : String(error);
    ctx.log(`staleness run failed: ${stalenessError}`);
  }
  ctx.progress(counts.length + 2, counts.length + 2, 'staleness');
  let wire: WireRow[] = [];
  let floor: TransportFloor | undefined;
  try {
    for (const inputs of ['every-tick', 'current'] as const) {
      const run = await runInLab<WireInput, { rows: WireRow[] }>(ctx, 'lab/tasks/game-wire.ts', 'gameSyncWire', { entities: 256, seconds: ctx.quick ? 2 : 10, inputs }, 120_000);
      wire.push(...run.result.rows);
    }
    // What the link costs with Beckon's heartbeats off: the transport's own packets, a floor no setting here lowers.
    const off = await runInLab<WireInput, { rows: WireRow[]; floor?: TransportFloor }>(ctx, 'lab/tasks/game-wire.ts', 'gameSyncWire', { entities: 256, seconds: ctx.quick ? 5 : 20, heartbeatsOff: true }, 120_000);
    floor = off.result.floor;
  } catch (error) {
    ctx.log(`wire run failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  const moving = sizes.filter((row) => row.moving);
  const idle = sizes.filter((row) => !row.moving);
  const sizeTable: Table = {
    title: 'Bytes per client per second, moving scene (20 snapshots/s)',
    columns: [
      { label: 'Entities' },
      { label: 'Format' },
      { label: 'Payload B/snapshot', align: 'right' },
      { label: 'Payload B/s', align: 'right' },
      { label: 'On the wire B/s', align: 'right' },
      { label: 'kbit/s on the wire', align: 'right' },
      { label: 'vs delta (payload)', align: 'right' },
    ],
    rows: moving.flatMap((row) =>
      formatKeys.map((key) => [
        String(row.entities),
        formatLabels[key],
        formatBytes(row.payload[key]),
        bps(row.payload[key]),
        bps(row.wire[key]),
        kbps(row.wire[key]),
        key === 'delta' ? '1×' : formatRatio(row.payload[key] / row.payload.delta),
      ]),
    ),
    note:
      'Every entity moves every tick (60–240 units/s, turning). Payload is the application message (for Beckon, the `game.Snapshot` ' +
      'protobuf with its bit-packed `data`); on the wire adds the Beckon frame and, per SCTP packet of up to 1,172 message bytes, ' +
      '93 bytes of IPv4 + UDP + DTLS (AES-GCM) + SCTP headers. The delta is against the last snapshot the client acknowledged ' +
      `(a round trip old: ${moving.map((r) => `${r.baselineAge.toFixed(1)} snapshots at N = ${r.entities}`).join(', ')}). ` +
      'Full JSON at 256 entities is above the unreliable lane\'s 16 KiB frame limit and would have to be chunked on the reliable lane.',
  };
  const idleTable: Table = {
    title: 'Idle floor: nothing moves',
    columns: [{ label: 'Entities' }, { label: 'Delta payload B/snapshot', align: 'right' }, { label: 'Delta on the wire B/s', align: 'right' }, { label: 'kbit/s', align: 'right' }, { label: 'Full protobuf on the wire B/s', align: 'right' }],
    rows: idle.map((row) => [String(row.entities), formatBytes(row.payload.delta), bps(row.wire.delta), kbps(row.wire.delta), bps(row.wire.protobuf)]),
    note:
      'Once the client has decoded a snapshot identical to its baseline (the world standing still), the host sends it nothing until something ' +
      'changes: the figures are the mean over the idle seconds, the few snapshots that said "identical" included; full protobuf is what sending the state anyway would cost.',
  };
  const timingTable: Table = {
    title: 'Encode and decode time per snapshot, one core (µs, median [p25–p75])',
    columns: [
      { label: 'Entities' },
      { label: 'Delta encode', align: 'right' },
      { label: 'Delta decode', align: 'right' },
      { label: 'Protobuf encode', align: 'right' },
      { label: 'Protobuf decode', align: 'right' },
      { label: 'JSON encode', align: 'right' },
      { label: 'JSON decode', align: 'right' },
    ],
    rows: timings.map((t) => [String(t.entities), us(t.encodeUs.delta), us(t.decodeUs.delta), us(t.encodeUs.protobuf), us(t.decodeUs.protobuf), us(t.encodeUs.json), us(t.decodeUs.json)]),
    note: 'Delta encode includes quantising the world; delta decode includes dequantising into entity objects. The host encodes once per distinct baseline per snapshot, not once per client.',
  };
  const tables: Table[] = [sizeTable, idleTable, timingTable];
  const unreliable = staleness.find((row) => row.lane === 'unreliable');
  const reliable = staleness.find((row) => row.lane === 'reliable');
  if (staleness.length > 0) {
    tables.push({
      title: `Staleness of remote state through the lab's relay (${profile(settings.staleness.profile).label}, ${settings.staleness.entities} moving entities)`,
      columns: [
        { label: 'Lane for snapshots, inputs and acks' },
        { label: 'p50 (ms)', align: 'right' },
        { label: 'p95 (ms)', align: 'right' },
        { label: 'p99 (ms)', align: 'right' },
        { label: 'max (ms)', align: 'right' },
        { label: 'Snapshots decoded', align: 'right' },
        { label: 'Full snapshots', align: 'right' },
      ],
      rows: staleness.map((row) => [
        row.lane,
        ms(row.p50),
        ms(row.p95),
        ms(row.p99),
        ms(row.max),
        `${formatInteger(row.decoded)} / ${formatInteger(row.sent)}`,
        formatInteger(row.fullSnapshots),
      ]),
      note:
        'Real WebRTC between Node peers (node-datachannel), through the network lab\'s UDP relay, which delays and drops packets both ways' +
        `${isolated ? ', in a loopback-only network namespace' : ' (not isolated: no network namespace could be made)'}. Staleness is measured for every host tick: ` +
        'from the tick that changed the world until the client has decoded a snapshot at least that new (same process, same clock). ' +
        'It includes waiting for the next snapshot (up to 50 ms at 20 Hz); what the player sees adds the constant interpolation delay (100 ms by default). ' +
        `${settings.staleness.seconds} s per lane, one run each.`,
    });
  }
  if (wire.length > 0) {
    const kB = (bytes: number): string => (bytes / 1000).toFixed(1);
    tables.push({
      title: 'On the wire, both directions, 256 entities (UDP through the lab relay)',
      columns: [
        { label: 'Scene' },
        { label: 'Down KB/s (wire)', align: 'right' },
        { label: 'Down packets/s', align: 'right' },
        { label: 'Down B per entity per snapshot', align: 'right' },
        { label: 'Up KB/s (wire)', align: 'right' },
        { label: 'Up packets/s', align: 'right' },
        { label: 'Total kbit/s', align: 'right' },
        { label: 'Beckon frames down / up KB/s', align: 'right' },
      ],
      rows: wire.map((row) => [
        `${row.scene === 'held' ? 'moving, key held' : row.scene}, ${row.inputs === 'current' ? 'inputs on change' : 'inputs every tick'}`,
        kB(row.down.wireBytesPerSecond),
        row.down.packetsPerSecond.toFixed(0),
        (row.down.wireBytesPerSecond / snapshotRate / row.entities).toFixed(2),
        kB(row.up.wireBytesPerSecond),
        row.up.packetsPerSecond.toFixed(0),
        formatInteger(((row.down.wireBytesPerSecond + row.up.wireBytesPerSecond) * 8) / 1000),
        `${kB(row.down.frameBytesPerSecond)} / ${kB(row.up.frameBytesPerSecond)}`,
      ]),
      note:
        'Counted by the relay: every UDP packet between host and client (DTLS, SCTP, SACKs, heartbeats, acks, inputs), ' +
        'plus 28 bytes of IPv4 and UDP header each. The snapshot and input lane is the unreliable one; no impairment; the player holds no key. ' +
        '"idle" is the same scene standing still. "inputs every tick" is the client as it was (a 60 Hz input packet, 8 inputs deep, idle or not), ' +
        `"inputs on change" the current one, each on a connection of its own. ${wire[0]?.seconds.toFixed(0)} s each after 1.5 s of warm-up.`,
    });
  }
  if (wire.some((row) => row.kinds.length > 0)) {
    tables.push({
      title: 'Where the bytes go: packets by kind, both directions, per client (UDP through the lab relay)',
      columns: [
        { label: 'Scene' },
        { label: 'Direction' },
        { label: 'Packet kind' },
        { label: 'Packets/s', align: 'right' },
        { label: 'B/s (wire)', align: 'right' },
        { label: 'bit/s', align: 'right' },
      ],
      rows: [
        ...wire.filter((row) => row.inputs === 'current').flatMap((row) =>
          row.kinds
            .filter((kind) => kind.packetsPerSecond >= 0.05)
            .map((kind) => [row.scene, kind.direction, kind.kind, kind.packetsPerSecond.toFixed(1), formatInteger(kind.wireBytesPerSecond), formatInteger(kind.wireBytesPerSecond * 8)]),
        ),
        ...(floor?.kinds ?? []).map((kind) => ['idle, heartbeats off', 'both', kind.kind, kind.packetsPerSecond.toFixed(1), formatInteger(kind.bitsPerSecond / 8), formatInteger(kind.bitsPerSecond)]),
      ],
      note:
        'Told apart from outside the encryption: STUN by its first byte; a DTLS record by its plaintext length (AES-GCM adds 24 bytes): ' +
        '28 bytes is an SCTP packet holding a SACK alone; up to 80 a small one (a Beckon heartbeat 52, its echo with a SACK riding along 76, ' +
        'an ack 44–60, SCTP\'s own HEARTBEAT 60); more is data. "idle, heartbeats off" is a connection of its own with Beckon\'s heartbeats at ' +
        'one a minute: what the transport sends by itself. Every packet counts 28 bytes of IPv4 and UDP header.',
    });
  }
  const n256 = moving.find((row) => row.entities === 256)!;
  const n64 = moving.find((row) => row.entities === 64)!;
  const idle64 = idle.find((row) => row.entities === 64)!;
  const charts: BarChart[] = [
    {
      id: 'bytes',
      title: 'Bytes per client per second on the wire, moving scene (smaller is better)',
      unit: 'bytes per second',
      scale: 'log',
      format: 'bytes',
      categories: moving.map((row) => `${row.entities} entities`),
      series: formatKeys.map((key) => ({ name: formatLabels[key], values: moving.map((row) => ({ value: row.wire[key] * snapshotRate })) })),
    },
  ];
  if (unreliable && reliable) {
    charts.push({
      id: 'staleness',
      title: 'Staleness of remote state at 25 ms each way + 5% loss (smaller is better)',
      unit: 'ms',
      format: 'count',
      categories: ['p50', 'p95', 'p99'],
      series: [unreliable, reliable].map((row) => ({ name: `${row.lane} lane`, values: [{ value: row.p50 }, { value: row.p95 }, { value: row.p99 }] })),
    });
  }
  const summary = [
    ...wireSummary(wire, floor),
    `Modelled (payload plus a fixed 93 B of headers per packet, downstream only): with 256 moving entities at 20 snapshots/s, Beckon's delta snapshots cost ${bps(n256.wire.delta)} B/s per client`,
    `(${formatBytes(n256.payload.delta)} B payload per snapshot) against ${bps(n256.wire.json)} B/s for full JSON`,
    `(**${formatRatio(n256.payload.json / n256.payload.delta)} smaller** payload) and ${bps(n256.wire.protobuf)} B/s for full protobuf`,
    `(${formatRatio(n256.payload.protobuf / n256.payload.delta)}); at 64 entities ${formatRatio(n64.payload.json / n64.payload.delta)} smaller than JSON.`,
    `An idle world of 64 entities costs ${bps(idle64.wire.delta)} B/s.`,
    unreliable && reliable
      ? `Through 25 ms each way and 5% loss, remote state on the unreliable lane is ${ms(unreliable.p99)} ms stale at p99 against ${ms(reliable.p99)} ms on the reliable lane (p50 ${ms(unreliable.p50)} vs ${ms(reliable.p50)} ms).`
      : `The staleness run did not complete${stalenessError ? `: ${stalenessError.split('\n')[0]}` : ''}.`,
  ].join(' ');
  return {
    summary,
    tables,
    charts,
    data: { sizes, timings, staleness, wire, transportFloor: floor, isolated, stalenessProfile: settings.staleness, canIsolate: canIsolate() },
  };
}

export const gameSync: Benchmark = {
  name: 'game-sync',
  title: 'Game-state sync: delta snapshots against full JSON and protobuf, and staleness under loss',
  description:
    'A scene of N moving entities (N = 64 and 256; position to 1/8 unit, heading in 8 bits, kind and colour) synced by `@beckon/game` ' +
    'at a 60 Hz tick and 20 snapshots/s. Sizes and codec times are measured in process (deterministic scene; acks reach the host a ' +
    'round trip after each snapshot), against sending the full state each time as JSON and as protobuf. Staleness runs a real GameHost ' +
    'and GameClient over WebRTC through the network lab\'s impairing relay, once with snapshots, inputs and acks on the unreliable lane ' +
    'and once on the reliable lane.',
  needs: ['network-lab'],
  run: (ctx) => runGameSync(ctx, ctx.quick ? quickSettings : fullSettings),
};
