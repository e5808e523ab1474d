import { formatBytes, formatCount, formatRatio, formatRatioSummary, formatSummary } from '../harness/format.ts';
import { calibrate, measureInterleaved, rateSampler, summarize, type Summary } from '../harness/stats.ts';
import type { BarChart, Benchmark, BenchContext, BenchResult } from '../harness/types.ts';
import { classroomBundle, type BundleSize } from './codec/bundle.ts';
import { beckonFormat, binaryPackFormat, compactJsonFormat, jsonFormat, loadBenchProtos, reflectionFormat, type Format } from './codec/formats.ts';
import { messageKinds, random, type MessageKind } from './codec/messages.ts';
import { verifyRoundTrips } from './codec/verify.ts';
import { gameStateBytes } from './codec/game-state.ts';

type FormatKey = Format['key'];

interface Item {
  readonly kind: MessageKind;
  readonly value: Record<string, unknown>;
}

/** A row of the report: one message kind, or a weighted mix of kinds. */
interface Group {
  readonly key: string;
  readonly label: string;
  readonly lane: string;
  readonly share: string;
  readonly items: readonly Item[];
}

interface Row {
  readonly group: Group;
  /** Mean encoded size per format. */
  readonly bytes: Readonly<Record<FormatKey, number>>;
  /** Mean protobuf payload inside Beckon's envelope. */
  readonly payload: number;
  readonly throughput: Readonly<Record<FormatKey, Summary>>;
  readonly speedupVsReflection: Summary;
  readonly speedupVsBinaryPack: Summary;
  readonly speedupVsJson: Summary;
  readonly speedupVsCompactJson: Summary;
}

export interface CodecSettings {
  readonly rounds: number;
  readonly warmupRounds: number;
  /** Length of one timed batch. */
  readonly sampleSeconds: number;
  readonly samplesPerKind: number;
}

const fullSettings: CodecSettings = { rounds: 21, warmupRounds: 2, sampleSeconds: 0.025, samplesPerKind: 16 };
const quickSettings: CodecSettings = { rounds: 3, warmupRounds: 1, sampleSeconds: 0.002, samplesPerKind: 4 };

// Written to by every decode so no engine can prove the decoded objects unused.
let sink = 0;

/** The weighted mix: each kind `weight` times per 100 messages, shuffled deterministically. */
function mix(kinds: readonly MessageKind[], samples: ReadonlyMap<string, readonly Record<string, unknown>[]>): Item[] {
  const items: Item[] = [];
  for (const kind of kinds) {
    const values = samples.get(kind.key) ?? [];
    for (let i = 0; i < kind.weight; i++) items.push({ kind, value: values[i % values.length] as Record<string, unknown> });
  }
  const next = random(42);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as Item, items[i] as Item];
  }
  return items;
}

function encodeDecode(format: Format, items: readonly Item[]): (iterations: number) => void {
  return (iterations) => {
    let touched = 0;
    for (let i = 0; i < iterations; i++) {
      const item = items[i % items.length] as Item;
      const decoded = format.decode(format.encode(item.kind, item.value));
      touched += item.kind.touch(decoded.value);
    }
    sink += touched;
  };
}

function meanBytes(format: Format, items: readonly Item[]): number {
  let total = 0;
  for (const item of items) total += format.encode(item.kind, item.value).length;
  return total / items.length;
}

/** Runs the codec benchmark with explicit settings (tests use tiny ones). */
export async function runCodec(ctx: BenchContext, settings: CodecSettings, formatsOverride?: readonly Format[]): Promise<BenchResult> {
  const kinds = messageKinds;
  const root = loadBenchProtos();
  const samples = new Map(kinds.map((kind) => [kind.key, kind.samples(settings.samplesPerKind)]));
  const beckon = beckonFormat(kinds);
  const formats = formatsOverride ?? [beckon, beckonFormat(kinds, 'relayed'), reflectionFormat(kinds, root), binaryPackFormat(), jsonFormat(kinds), compactJsonFormat(kinds, root)];
  const byKey = new Map(formats.map((f) => [f.key, f]));
  const get = (key: FormatKey): Format => {
    const format = byKey.get(key);
    if (!format) throw new Error(`no ${key} format`);
    return format;
  };

  // A wrong codec fails the run before anything is timed.
  verifyRoundTrips(formats, kinds, samples);
  ctx.log(`round trips verified: ${kinds.length} kinds × ${settings.samplesPerKind} samples × ${formats.length} formats`);

  const lanes = new Map(kinds.map((kind) => [kind.key, root.lookupType(kind.protoName).options?.['(beckon.lane)'] === 'UNRELIABLE' ? 'unreliable' : 'reliable']));
  const totalWeight = kinds.reduce((sum, kind) => sum + kind.weight, 0);
  const realTime = kinds.filter((kind) => kind.bytesFields.length === 0);
  const groups: Group[] = [
    ...kinds.map((kind) => ({
      key: kind.key,
      label: kind.label,
      lane: lanes.get(kind.key) ?? 'reliable',
      share: `${((kind.weight / totalWeight) * 100).toFixed(0)} %`,
      items: (samples.get(kind.key) ?? []).map((value) => ({ kind, value })),
    })),
    { key: 'mix', label: 'Weighted mix', lane: 'both', share: '100 %', items: mix(kinds, samples) },
    { key: 'mixNoFiles', label: 'Weighted mix without file chunks', lane: 'both', share: '—', items: mix(realTime, samples) },
  ];

  // Timed: every format but the relayed Beckon frame, which differs from the direct one by a 10-character string.
  const keys: FormatKey[] = ['beckon', 'reflection', 'binarypack', 'json', 'jsonCompact'];
  const sized: FormatKey[] = ['beckon', 'beckonRelayed', 'reflection', 'binarypack', 'json', 'jsonCompact'];
  // Run every format on every group before timing any, so the first group is not measured while the
  // engine still sees only its shapes (an app decodes all its kinds in one process).
  for (const group of groups) {
    for (const key of keys) encodeDecode(get(key), group.items)(calibrate(encodeDecode(get(key), group.items), settings.sampleSeconds));
  }
  const rows: Row[] = [];
  const totalSteps = groups.length * settings.rounds;
  for (const [g, group] of groups.entries()) {
    const bytes = Object.fromEntries(sized.map((key) => [key, meanBytes(get(key), group.items)])) as Record<FormatKey, number>;
    const payload = group.items.reduce((sum, item) => sum + root.lookupType(item.kind.protoName).encode(item.value).finish().length, 0) / group.items.length;
    const ops = Object.fromEntries(keys.map((key) => [key, encodeDecode(get(key), group.items)])) as Record<FormatKey, (n: number) => void>;
    const variants = Object.fromEntries(
      keys.map((key) => {
        const op = ops[key];
        op(Math.max(100, group.items.length)); // warm the code path before calibrating
        return [key, rateSampler(op, calibrate(op, settings.sampleSeconds))];
      }),
    ) as Record<FormatKey, () => number>;
    const measured = await measureInterleaved({
      variants,
      baseline: 'beckon',
      rounds: settings.rounds,
      warmupRounds: settings.warmupRounds,
      onRound: (round) => ctx.progress(g * settings.rounds + round, totalSteps, group.label),
    });
    const speedup = (other: FormatKey): Summary =>
      summarize(measured.samples.beckon.map((rate, i) => rate / (measured.samples[other][i] as number)));
    rows.push({
      group,
      bytes,
      payload,
      throughput: measured.summaries,
      speedupVsReflection: speedup('reflection'),
      speedupVsBinaryPack: speedup('binarypack'),
      speedupVsJson: speedup('json'),
      speedupVsCompactJson: speedup('jsonCompact'),
    });
  }
  if (!Number.isFinite(sink)) throw new Error('decoded values were not numbers');

  const mixRow = rows.find((row) => row.group.key === 'mixNoFiles');
  // The same real-time mix with game state sent as @beckon/game sends it (deltas of quantised fields), against compact
  // JSON of the same states: what a game built on Beckon puts on the wire, not the protobuf message of random states.
  const game = gameStateBytes();
  const weightOf = realTime.reduce((sum, kind) => sum + kind.weight, 0);
  const mixedWith = (key: 'beckon' | 'jsonCompact', snapshotBytes: number): number =>
    realTime.reduce((sum, kind) => sum + kind.weight * (kind.key === 'snapshot' ? snapshotBytes : (rows.find((row) => row.group.key === kind.key)?.bytes[key] ?? 0)), 0) / weightOf;
  const gameMix = { beckon: mixedWith('beckon', game.beckon), jsonCompact: mixedWith('jsonCompact', game.compactJson) };
  const summary = mixRow
    ? [
        `In the real-time mix (every kind but file chunks, weighted), a Beckon frame as the room sends it averages`,
        `**${formatBytes(mixRow.bytes.beckon)} bytes** (${formatBytes(mixRow.bytes.beckonRelayed)} relayed by the host) against`,
        `${formatBytes(mixRow.bytes.binarypack)} with BinaryPack (${formatRatio(mixRow.bytes.binarypack / mixRow.bytes.beckon)}),`,
        `${formatBytes(mixRow.bytes.json)} with JSON rounded to 2 decimals (${formatRatio(mixRow.bytes.json / mixRow.bytes.beckon)}) and`,
        `${formatBytes(mixRow.bytes.jsonCompact)} with compact array JSON (Beckon is ${formatRatio(mixRow.bytes.beckon / mixRow.bytes.jsonCompact)} of it);`,
        `one core encodes and decodes **${formatCount(mixRow.throughput.beckon.median)} messages/s** with the static codecs \`beckon gen\` writes:`,
        `**${formatRatio(mixRow.speedupVsReflection.median)} the rate of the protobufjs reflection codecs** it used before,`,
        `${formatRatio(mixRow.speedupVsBinaryPack.median)} BinaryPack's, ${formatRatio(mixRow.speedupVsJson.median)} JSON's and ${formatRatio(mixRow.speedupVsCompactJson.median)} compact JSON's.`,
        `With the game state sent as \`@beckon/game\` sends it (${game.entities} moving entities: ${formatBytes(game.beckon)} B per snapshot frame against`,
        `${formatBytes(game.compactJson)} B of compact JSON of the same state), the mix is **${formatBytes(gameMix.beckon)} B** against ${formatBytes(gameMix.jsonCompact)} B:`,
        `**${formatRatio(gameMix.beckon / gameMix.jsonCompact)} of compact JSON**.`,
      ].join(' ')
    : '';
  const bundle = classroomBundle();
  const bundleSummary = bundle.current
    ? ` The classroom one-file bundle is **${formatKiB(bundle.current.gzip)} KiB** minified and gzipped (${formatKiB(bundle.before.gzip)} KiB before v2;` +
      ` protobufjs reflection ${bundle.current.reflection ? 'is still' : 'is no longer'} in it).`
    : ' (Run `pnpm build` first to measure the classroom bundle.)';

  const categories = rows.map((row) => row.group.label);
  const labels: Record<FormatKey, string> = {
    beckon: 'Beckon (static)',
    beckonRelayed: 'Beckon, relayed',
    reflection: 'Beckon before v2 (reflection)',
    binarypack: 'BinaryPack (PeerJS)',
    json: 'JSON (2 decimals)',
    jsonCompact: 'Compact JSON',
  };
  const charts: BarChart[] = [
    {
      id: 'bytes',
      title: 'Bytes per message (smaller is better)',
      unit: 'bytes per message',
      scale: 'log',
      format: 'bytes',
      categories,
      series: sized.map((key) => ({ name: labels[key], values: rows.map((row) => ({ value: row.bytes[key] })) })),
    },
    {
      id: 'throughput',
      title: 'Encode + decode throughput, one core (bigger is better; whiskers p25–p75)',
      unit: 'messages per second',
      scale: 'log',
      format: 'rate',
      categories,
      series: keys.map((key) => ({
        name: labels[key],
        values: rows.map((row) => ({ value: row.throughput[key].median, low: row.throughput[key].p25, high: row.throughput[key].p75 })),
      })),
    },
  ];

  return {
    summary: summary + bundleSummary,
    tables: [
      bundleTable(bundle),
      {
        title: 'Bytes per message',
        columns: [
          { label: 'Message' },
          { label: 'Lane' },
          { label: 'Share of mix', align: 'right' },
          { label: 'Beckon (payload + envelope)', align: 'right' },
          { label: 'Beckon relayed', align: 'right' },
          { label: 'BinaryPack', align: 'right' },
          { label: 'JSON', align: 'right' },
          { label: 'Compact JSON', align: 'right' },
          { label: 'BinaryPack / Beckon', align: 'right' },
          { label: 'JSON / Beckon', align: 'right' },
          { label: 'Beckon / compact JSON', align: 'right' },
        ],
        rows: rows.map((row) => [
          row.group.label,
          row.group.lane,
          row.group.share,
          `${formatBytes(row.bytes.beckon)} (${formatBytes(row.payload)} + ${formatBytes(row.bytes.beckon - row.payload)})`,
          formatBytes(row.bytes.beckonRelayed),
          formatBytes(row.bytes.binarypack),
          formatBytes(row.bytes.json),
          formatBytes(row.bytes.jsonCompact),
          formatRatio(row.bytes.binarypack / row.bytes.beckon),
          formatRatio(row.bytes.json / row.bytes.beckon),
          formatRatio(row.bytes.beckon / row.bytes.jsonCompact),
        ]),
        note:
          "Mean over the kind's sample messages (the mixes: over their messages, weighted by share). The envelope is what the room's send path writes: " +
          "the type id (5 bytes), the payload's tag and length (2–4 bytes), the sender's clock (5 bytes), and on the reliable lane the link's sequence " +
          'number, the room message id and a piggybacked ack (3 bytes each); relayed frames add the sender\'s 10-character participant id (12 bytes). ' +
          'JSON and compact JSON carry the payload and a type only: no clock, no sequence numbers, no sender.',
      },
      {
        title: `Game state as @beckon/game sends it (${game.entities} moving entities, 20 Hz)`,
        columns: [
          { label: 'Sent as' },
          { label: 'Bytes per snapshot', align: 'right' },
          { label: 'Real-time mix with it (B per frame)', align: 'right' },
          { label: '/ compact JSON', align: 'right' },
        ],
        rows: [
          ['Protobuf message (the Game snapshot row: random states, 32-bit floats)', formatBytes(rows.find((row) => row.group.key === 'snapshot')?.bytes.beckon ?? 0), formatBytes(mixRow?.bytes.beckon ?? 0), formatRatio((mixRow?.bytes.beckon ?? 0) / (mixRow?.bytes.jsonCompact ?? 1))],
          [`@beckon/game delta frame (${formatBytes(game.data)} B of bit-packed entities in a Snapshot message and the envelope)`, formatBytes(game.beckon), formatBytes(gameMix.beckon), formatRatio(gameMix.beckon / gameMix.jsonCompact)],
          ['Compact JSON of the same states (arrays, 2 decimals)', formatBytes(game.compactJson), formatBytes(gameMix.jsonCompact), '1'],
        ],
        note:
          `The game-sync benchmark's scene stepped at 60 Hz, ${game.snapshots} snapshots at 20 Hz; each a delta against the snapshot two before it ` +
          '(what a client a round trip away has acknowledged), in the unreliable lane\'s envelope. The other kinds of the mix are as in the table above.',
      },
      {
        title: 'Encode + decode throughput (messages/s, one core)',
        columns: [
          { label: 'Message' },
          { label: 'Beckon (static)', align: 'right' },
          { label: 'Reflection (before v2)', align: 'right' },
          { label: 'BinaryPack', align: 'right' },
          { label: 'JSON', align: 'right' },
          { label: 'Compact JSON', align: 'right' },
          { label: 'Static / reflection', align: 'right' },
          { label: 'Beckon / BinaryPack', align: 'right' },
          { label: 'Beckon / JSON', align: 'right' },
          { label: 'Beckon / compact JSON', align: 'right' },
        ],
        rows: rows.map((row) => [
          row.group.label,
          formatSummary(row.throughput.beckon),
          formatSummary(row.throughput.reflection),
          formatSummary(row.throughput.binarypack),
          formatSummary(row.throughput.json),
          formatSummary(row.throughput.jsonCompact),
          formatRatioSummary(row.speedupVsReflection),
          formatRatioSummary(row.speedupVsBinaryPack),
          formatRatioSummary(row.speedupVsJson),
          formatRatioSummary(row.speedupVsCompactJson),
        ]),
        note: `Median [p25–p75] of ${settings.rounds} rounds; each round times one ${Math.round(settings.sampleSeconds * 1000)} ms batch per format, in rotating order, and the ratios are taken within each round.`,
      },
    ],
    charts,
    data: {
      settings,
      groups: rows.map((row) => ({
        key: row.group.key,
        label: row.group.label,
        lane: row.group.lane,
        messages: row.group.items.length,
        bytes: { ...row.bytes, beckonPayload: row.payload, beckonEnvelope: row.bytes.beckon - row.payload },
        throughput: row.throughput,
        beckonSpeedup: { reflection: row.speedupVsReflection, binarypack: row.speedupVsBinaryPack, json: row.speedupVsJson, jsonCompact: row.speedupVsCompactJson },
      })),
      bundle,
      game: { ...game, mix: gameMix },
    },
  };
}

function formatKiB(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

function bundleTable(bundle: { before: BundleSize; current: BundleSize | undefined }) {
  const row = (label: string, size: BundleSize | undefined): string[] =>
    size
      ? [label, formatKiB(size.raw), formatKiB(size.gzip), size.reflection ? 'yes' : 'no', size.evals ? 'yes' : 'no']
      : [label, '—', '—', '—', '—'];
  return {
    title: 'Classroom one-file bundle (packages/classroom/dist/beckon-classroom.js)',
    columns: [
      { label: 'Build' },
      { label: 'Minified (KiB)', align: 'right' as const },
      { label: 'Minified + gzip (KiB)', align: 'right' as const },
      { label: 'protobufjs reflection inside', align: 'right' as const },
      { label: '`new Function` / `eval` inside', align: 'right' as const },
    ],
    rows: [row(`Before v2 (${bundle.before.label})`, bundle.before), row('This build', bundle.current)],
    note: 'Measured on the file `pnpm build` writes (Vite, minified); gzip level 9. "Before" was measured the same way on the commit named.',
  };
}

export const codec: Benchmark = {
  name: 'codec',
  title: 'Codec: bytes and encode + decode throughput',
  description: [
    'Bytes per message and encode + decode throughput for a mix of classroom and game messages',
    '(packages/bench/protos/bench.proto), in six formats: **Beckon (static)** (the payload encoded by the static codec',
    "`beckon gen` writes, inside Beckon's wire envelope with every field the room's send path sets: clock, sequence number,",
    'message id, piggybacked ack; codec.test.ts checks the fields against frames a real room sends), the same frame',
    "**relayed** by the host (plus the sender's id), **Beckon before v2** (the same with the protobufjs reflection codecs",
    'Beckon used before, which compile with `new Function` at run time), **BinaryPack** (`peerjs-js-binarypack` 2.1.0,',
    "PeerJS's default serialization, packing the same object with a `type` field, as a PeerJS user would), **JSON**",
    '(`JSON.stringify` + `TextEncoder` and back, floats rounded to 2 decimals as the game bench does) and **compact JSON**',
    '(an array per message, fields in declaration order, floats rounded to 2 decimals: what a developer who cares about',
    "size writes). Bytes fields are base64 in both JSONs (Node's `Buffer`). Every decode builds the object and reads a",
    'field; every format must round-trip every sample (the JSONs within their rounding) before anything is timed. Floats',
    'are float32-exact values, which protobuf `float` keeps in 4 bytes and BinaryPack carries as doubles. Not counted:',
    'PeerJS splits a BinaryPack message above 16,300 bytes into chunks with their own headers, and SCTP/DTLS framing is',
    'the same for all.',
  ].join(' '),
  run: (ctx) => runCodec(ctx, ctx.quick ? quickSettings : fullSettings),
};
