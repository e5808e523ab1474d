import { describe, expect, it } from 'vitest';
import type { BenchContext } from '../harness/types.ts';
import { runCodec } from './codec.ts';
import { beckonFormat, binaryPackFormat, compactJsonFormat, jsonFormat, loadBenchProtos, reflectionFormat, type Format } from './codec/formats.ts';
import { decodeFrame, hostRoom, joinRoom, messageType } from '@beckon/core';
import type { Frame } from '@beckon/core';
import { hostSession, LoopbackNetwork, memberSession } from '@beckon/core/testing';
import { chat, cursor, messageKinds, raiseHand, snapshot } from './codec/messages.ts';
import { difference, verifyRoundTrips } from './codec/verify.ts';

const ctx: BenchContext = { quick: true, progress: () => {}, log: () => {} };
const tiny = { rounds: 2, warmupRounds: 0, sampleSeconds: 0.0005, samplesPerKind: 2 };
const samples = new Map(messageKinds.map((kind) => [kind.key, kind.samples(3)]));

describe('codec formats', () => {
  it('round-trip every sample of every kind', () => {
    const formats = [beckonFormat(messageKinds), beckonFormat(messageKinds, 'relayed'), reflectionFormat(messageKinds, loadBenchProtos()), binaryPackFormat(), jsonFormat(messageKinds), compactJsonFormat(messageKinds)];
    expect(() => verifyRoundTrips(formats, messageKinds, samples)).not.toThrow();
  });

  it('frame Beckon messages with the type id, so the receiver finds the kind from the bytes alone', () => {
    const beckon = beckonFormat(messageKinds);
    const value = samples.get('snapshot')![0]!;
    const decoded = beckon.decode(beckon.encode(snapshot, value));
    expect(decoded.kind).toBe('snapshot');
    expect((decoded.value['entities'] as unknown[]).length).toBe(16);
  });

  it('a codec that loses more precision than it declares fails verification', () => {
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
    await expect(runCodec(ctx, tiny, [beckonFormat(messageKinds), binaryPackFormat(), broken])).rejects.toThrow(/JSON \(2 decimals\): .* does not round-trip/);
  });

  it('reports bytes and throughput for every kind and both mixes', async () => {
    const result = await runCodec(ctx, tiny);
    const groups = result.data['groups'] as { key: string; bytes: Record<string, number>; throughput: Record<string, { median: number }> }[];
    expect(groups.map((g) => g.key)).toEqual([...messageKinds.map((k) => k.key), 'mix', 'mixNoFiles']);
    const byKey = new Map(groups.map((g) => [g.key, g]));
    // Float32 fields in 4 bytes against doubles and decimal text: the snapshot shows it clearly.
    const snap = byKey.get('snapshot')!.bytes;
    expect(snap['beckon']).toBeLessThan(snap['binarypack']! / 1.5);
    expect(snap['jsonCompact']).toBeLessThan(snap['json']!);
    // The envelope as the room writes it: type id, payload length and clock; on the reliable lane also seq, id and ack.
    expect(byKey.get('cursor')!.bytes['beckonEnvelope']).toBe(12);
    expect(byKey.get('raiseHand')!.bytes['beckonEnvelope']).toBe(21);
    // Relayed, the host adds the sender's participant id.
    expect(byKey.get('cursor')!.bytes['beckonRelayed']! - byKey.get('cursor')!.bytes['beckon']!).toBe(12);
    // The same protobuf, except that static codecs leave out zero fields reflection writes when they are set.
    for (const group of groups) expect(group.bytes['beckon']).toBeLessThanOrEqual(group.bytes['reflection']!);
    // base64 costs JSON a third more on file chunks.
    const file = byKey.get('fileChunk')!.bytes;
    expect(file['json']! / file['beckon']!).toBeGreaterThan(1.3);
    for (const group of groups) for (const rate of Object.values(group.throughput)) expect(rate.median).toBeGreaterThan(0);
    expect(result.tables.map((t) => t.rows.length)).toEqual([2, 10, 3, 10]);
    // Game state as @beckon/game sends it: deltas of quantised fields, far below the protobuf message of whole states
    // and below compact JSON of the same states, in the mix too.
    const game = result.data['game'] as { beckon: number; data: number; compactJson: number; mix: { beckon: number; jsonCompact: number } };
    expect(game.data).toBeLessThan(game.beckon);
    expect(game.beckon).toBeLessThan(snap['beckon']! / 2);
    expect(game.beckon).toBeLessThan(game.compactJson / 2);
    expect(game.mix.beckon).toBeLessThan(byKey.get('mixNoFiles')!.bytes['beckon']!);
    expect(result.summary).toMatch(/as `@beckon\/game` sends it/);
    expect(result.charts.map((c) => c.id)).toEqual(['bytes', 'throughput']);
    expect(result.summary).toMatch(/Beckon frame as the room sends it averages \*\*\d+(\.\d)? bytes\*\*/);
  });
});

describe('the Beckon format against a real room', () => {
  it('sets the same envelope fields as the frames a room sends, direct and relayed', async () => {
    const root = loadBenchProtos();
    const kinds = [raiseHand, chat, cursor];
    const types = kinds.map((kind) => messageType(root, kind.protoName));
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('codec-room'), types, rateLimit: false });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'codec-room', types });
      const bea = await joinRoom({ transport: network.transport('bea'), hostId: 'codec-room', types });
      const captured: Frame[] = [];
      const capture = (channels: ReadonlyMap<string, { send(data: Uint8Array): void }>): void => {
        for (const channel of channels.values()) {
          const send = channel.send.bind(channel);
          channel.send = (data: Uint8Array) => {
            // Lent for the call only (see Channel.send): what is kept is a copy.
            const frame = decodeFrame(data.slice());
            if (frame.ok && types.some((type) => type.id === frame.value.type)) captured.push(frame.value);
            send(data);
          };
        }
      };
      capture(memberSession(ada)!.link.channels);
      capture(hostSession(host, bea.selfId)!.link.channels);
      let heard = 0;
      for (const type of types) bea.on(type, () => heard++);
      host.on(types[0]!, () => heard++);
      for (const [i, kind] of kinds.entries()) ada.send(types[i]!, kind.samples(1)[0]!);
      await new Promise<void>((resolve) => {
        const check = (): void => (heard >= 3 ? resolve() : void setTimeout(check, 10));
        check();
      });
      const shape = (frame: Frame): string =>
        [frame.sentAt > 0 && 'clock', frame.seq > 0 && 'seq', frame.id > 0 && 'id', frame.from !== '' && 'from', frame.to !== '' && 'to'].filter(Boolean).join(' ');
      const direct = beckonFormat(kinds);
      const relayed = beckonFormat(kinds, 'relayed');
      for (const [i, kind] of kinds.entries()) {
        const real = captured.filter((frame) => frame.type === types[i]!.id).map(shape);
        const bench = [direct, relayed].map((format) => {
          const frame = decodeFrame(format.encode(kind, kind.samples(1)[0]!));
          return frame.ok ? shape(frame.value) : 'malformed';
        });
        // Raise hand goes to the host only; chat and cursor moves are relayed to Bea as well.
        expect(real).toEqual(kind === raiseHand ? [bench[0]] : bench);
      }
      await ada.leave();
      await bea.leave();
    } finally {
      await host.close();
    }
  });
});
