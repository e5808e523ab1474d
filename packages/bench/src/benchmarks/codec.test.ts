import { describe, expect, it } from 'vitest';
import type { BenchContext } from '../harness/types.ts';
import { runCodec } from './codec.ts';
import { beckonFormat, binaryPackFormat, jsonFormat, loadBenchProtos, reflectionFormat, type Format } from './codec/formats.ts';
import { messageKinds, snapshot } from './codec/messages.ts';
import { difference, verifyRoundTrips } from './codec/verify.ts';

const ctx: BenchContext = { quick: true, progress: () => {}, log: () => {} };
const tiny = { rounds: 2, warmupRounds: 0, sampleSeconds: 0.0005, samplesPerKind: 2 };
const samples = new Map(messageKinds.map((kind) => [kind.key, kind.samples(3)]));

describe('codec formats', () => {
  it('round-trip every sample of every kind', () => {
    const formats = [beckonFormat(messageKinds), reflectionFormat(messageKinds, loadBenchProtos()), binaryPackFormat(), jsonFormat(messageKinds)];
    expect(() => verifyRoundTrips(formats, messageKinds, samples)).not.toThrow();
  });

  it('frame Beckon messages with the type id, so the receiver finds the kind from the bytes alone', () => {
    const beckon = beckonFormat(messageKinds);
    const value = samples.get('snapshot')![0]!;
    const decoded = beckon.decode(beckon.encode(snapshot, value));
    expect(decoded.kind).toBe('snapshot');
    expect((decoded.value['entities'] as unknown[]).length).toBe(16);
  });

  it('a codec that loses precision fails verification', () => {
    const json = jsonFormat(messageKinds);
    const lossy: Format = {
      ...json,
      encode: (kind, value) => json.encode(kind, JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v)))),
    };
    expect(() => verifyRoundTrips([lossy], [snapshot], samples)).toThrow(/does not round-trip: value\.entities\[0\]\.x/);
  });

  it('a codec that confuses kinds fails verification', () => {
    const json = jsonFormat(messageKinds);
    const confused: Format = { ...json, decode: (bytes) => ({ ...json.decode(bytes), kind: 'chat' }) };
    expect(() => verifyRoundTrips([confused], [snapshot], samples)).toThrow(/decoded as chat/);
  });

  it('compares bytes by content whatever their container', () => {
    expect(difference(new Uint8Array([1, 2]), new Uint8Array([1, 2]).buffer)).toBeUndefined();
    expect(difference(new Uint8Array([1, 2]), Buffer.from([1, 3]))).toMatch(/\[1\]: bytes differ/);
    expect(difference({ a: [1, 2] }, { a: [1] })).toMatch(/value\.a: expected 2 items/);
  });
});

describe('runCodec', () => {
  it('fails the run when a format does not round-trip', async () => {
    const json = jsonFormat(messageKinds);
    const broken: Format = { ...json, decode: (bytes) => ({ ...json.decode(bytes), value: {} }) };
    await expect(runCodec(ctx, tiny, [beckonFormat(messageKinds), binaryPackFormat(), broken])).rejects.toThrow(/JSON: .* does not round-trip/);
  });

  it('reports bytes and throughput for every kind and both mixes', async () => {
    const result = await runCodec(ctx, tiny);
    const groups = result.data['groups'] as { key: string; bytes: Record<string, number>; throughput: Record<string, { median: number }> }[];
    expect(groups.map((g) => g.key)).toEqual([...messageKinds.map((k) => k.key), 'mix', 'mixNoFiles']);
    const byKey = new Map(groups.map((g) => [g.key, g]));
    // Float32 fields in 4 bytes against doubles and decimal text: the snapshot shows it clearly.
    const snap = byKey.get('snapshot')!.bytes;
    expect(snap['beckon']).toBeLessThan(snap['binarypack']! / 1.5);
    // The same protobuf, except that static codecs leave out zero fields reflection writes when they are set.
    for (const group of groups) expect(group.bytes['beckon']).toBeLessThanOrEqual(group.bytes['reflection']!);
    expect(snap['json']).toBeGreaterThan(snap['binarypack']!);
    // The envelope is a handful of bytes: type id, plus an ack sequence number on the reliable lane.
    expect(byKey.get('cursor')!.bytes['beckonEnvelope']).toBe(7);
    expect(byKey.get('raiseHand')!.bytes['beckonEnvelope']).toBe(10);
    // base64 costs JSON a third more on file chunks.
    const file = byKey.get('fileChunk')!.bytes;
    expect(file['json']! / file['beckon']!).toBeGreaterThan(1.3);
    for (const group of groups) for (const rate of Object.values(group.throughput)) expect(rate.median).toBeGreaterThan(0);
    expect(result.tables.map((t) => t.rows.length)).toEqual([2, 10, 10]);
    expect(result.charts.map((c) => c.id)).toEqual(['bytes', 'throughput']);
    expect(result.summary).toMatch(/Beckon message averages \*\*\d+(\.\d)? bytes\*\*/);
  });
});
