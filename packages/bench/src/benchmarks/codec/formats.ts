import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFrame, encodeFrame, messageType, Registry, type MessageType } from '@beckon/core';
import { messageTypes as staticTypes } from '../../gen/bench.ts';
import { pack, unpack, type Packable } from 'peerjs-js-binarypack';
import protobuf from 'protobufjs';
import type { MessageKind } from './messages.ts';

/** A wire format: turns a kind's value into bytes and back. */
export interface Format {
  readonly key: 'beckon' | 'beckonRelayed' | 'reflection' | 'binarypack' | 'json' | 'jsonCompact';
  /** Largest difference a float may come back with (JSON rounds to 2 decimals, as the game bench does); 0 = exact. */
  readonly floatTolerance?: number;
  readonly label: string;
  encode(kind: MessageKind, value: Record<string, unknown>): Uint8Array;
  /** Decodes a message whose kind the receiver learns from the bytes, as a real receiver must. */
  decode(bytes: Uint8Array): { readonly kind: string; readonly value: Record<string, unknown> };
}

const protosDir = fileURLToPath(new URL('../../../../../protos/', import.meta.url));
const benchProto = fileURLToPath(new URL('../../../protos/bench.proto', import.meta.url));
const protobufDir = dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));

/** protos/bench.proto, with imports of beckon/* from the repository's protos/ and google/* from protobufjs. */
export function loadBenchProtos(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (target.startsWith('beckon/')) return join(protosDir, target);
    if (target.startsWith('google/')) return join(protobufDir, target);
    return protobuf.util.path.resolve(origin, target);
  };
  return root.loadSync(benchProto);
}

/** How a frame travels: straight from its sender, or relayed by the host (which stamps the sender's id). */
export type Route = 'direct' | 'relayed';

/** A participant id as rooms make them (`randomId(10)`), stamped by the host on a relayed frame. */
export const relayedFrom = 'q7f3k9ta2m';

/**
/**
 * Beckon: the payload encoded by the type's static codec from `beckon gen` (no reflection) inside Beckon's envelope,
 * with every field the room's send path sets (codec.test.ts checks them against frames a real room sends): the
 * sender's clock on every frame; on a reliable lane the link's sequence number, the room's message id and a
 * piggybacked ack (a busy link always has one to carry); relayed, the original sender's participant id.
 */
export function beckonFormat(kinds: readonly MessageKind[], route: Route = 'direct'): Format {
  const byName = new Map<string, MessageType>(staticTypes.map((type) => [type.name, type as MessageType]));
  const key = route === 'direct' ? 'beckon' : 'beckonRelayed';
  const label = route === 'direct' ? 'Beckon (static protobuf + envelope)' : 'Beckon, relayed by the host';
  return envelopeFormat(key, label, kinds, route, (kind) => {
    const type = byName.get(kind.protoName);
    if (!type) throw new Error(`no generated type ${kind.protoName}: run pnpm gen`);
    return type;
  });
}

/**
 * The same, with the codecs Beckon used before `beckon gen` v2: protobufjs reflection over the .proto, which compiles
 * each type's codec with `new Function` at run time (what a strict Content-Security-Policy forbids).
 */
export function reflectionFormat(kinds: readonly MessageKind[], root: protobuf.Root = loadBenchProtos()): Format {
  return envelopeFormat('reflection', 'Beckon before v2 (protobufjs reflection + envelope)', kinds, 'direct', (kind) => messageType(root, kind.protoName));
}

function envelopeFormat(
  key: 'beckon' | 'beckonRelayed' | 'reflection',
  label: string,
  kinds: readonly MessageKind[],
  route: Route,
  typeOf: (kind: MessageKind) => MessageType,
): Format {
  const types = new Map<string, MessageType>();
  const kindById = new Map<number, string>();
  for (const kind of kinds) {
    const type = typeOf(kind);
    types.set(kind.key, type);
    kindById.set(type.id, kind.key);
  }
  const registry = new Registry(types.values());
  // A long-lived link's counters: kept in 2-byte varint range so every run sizes frames alike.
  let counter = 0;
  const next = (): number => 1000 + (counter++ % 10_000);
  return {
    key,
    label,
    encode(kind, value) {
      const type = types.get(kind.key) as MessageType;
      const payload = type.encode(value);
      const reliable = type.lane === 'reliable';
      return encodeFrame({
        type: type.id,
        payload,
        sentAt: Date.now(),
        seq: reliable ? next() : 0,
        id: reliable ? next() : 0,
        ack: reliable ? next() : 0,
        from: route === 'relayed' ? relayedFrom : '',
      });
    },
    decode(bytes) {
      const frame = decodeFrame(bytes);
      if (!frame.ok) throw frame.error;
      const type = registry.get(frame.value.type);
      if (!type) throw new Error(`unknown type id ${frame.value.type}`);
      return { kind: kindById.get(type.id) as string, value: type.decode(frame.value.payload) as Record<string, unknown> };
    },
  };
}

/** PeerJS's default serialization: the object, with a `type` field, packed with BinaryPack. */
export function binaryPackFormat(): Format {
  return {
    key: 'binarypack',
    label: 'PeerJS BinaryPack',
    encode(kind, value) {
      const packed = pack({ type: kind.key, ...value } as Packable);
      if (!(packed instanceof ArrayBuffer)) throw new Error('BinaryPack packed asynchronously');
      return new Uint8Array(packed);
    },
    decode(bytes) {
      // PeerJS hands BinaryPack the channel's ArrayBuffer.
      const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
      const value = unpack<Record<string, never>>(buffer as ArrayBuffer) as Record<string, unknown>;
      return { kind: value['type'] as string, value };
    },
  };
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Two decimals: what an app that cares about size sends for positions and angles (the game bench rounds alike). */
const round2 = (value: number): number => Math.round(value * 100) / 100;
const roundFloats = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isInteger(value) ? round2(value) : value);

/**
 * JSON as apps send it: `{type, ...fields}` stringified with floats rounded to 2 decimals, bytes fields
 * base64-encoded, UTF-8 on the wire.
 */
export function jsonFormat(kinds: readonly MessageKind[]): Format {
  const byKey = new Map(kinds.map((kind) => [kind.key, kind]));
  return {
    key: 'json',
    label: 'JSON (2 decimals)',
    floatTolerance: 0.005,
    encode(kind, value) {
      let object: Record<string, unknown> = { type: kind.key, ...value };
      if (kind.bytesFields.length > 0) {
        object = { ...object };
        for (const field of kind.bytesFields) object[field] = Buffer.from(value[field] as Uint8Array).toString('base64');
      }
      return textEncoder.encode(JSON.stringify(object, roundFloats));
    },
    decode(bytes) {
      const value = JSON.parse(textDecoder.decode(bytes)) as Record<string, unknown>;
      const kind = byKey.get(value['type'] as string);
      if (!kind) throw new Error(`unknown type ${String(value['type'])}`);
      for (const field of kind.bytesFields) value[field] = new Uint8Array(Buffer.from(value[field] as string, 'base64'));
      return { kind: kind.key, value };
    },
  };
}

/** A message's shape for compact JSON: its fields in declaration order, nested messages and their shapes. */
interface Shape {
  readonly fields: readonly { readonly name: string; readonly repeated: boolean; readonly kind: 'bytes' | 'bool' | 'float' | 'other'; readonly nested?: Shape }[];
}

function shapeOf(type: protobuf.Type): Shape {
  return {
    fields: type.fieldsArray.map((field) => {
      field.resolve();
      const nested = field.resolvedType instanceof protobuf.Type ? shapeOf(field.resolvedType) : undefined;
      const kind = field.type === 'bytes' ? 'bytes' : field.type === 'bool' ? 'bool' : field.type === 'float' || field.type === 'double' ? 'float' : 'other';
      return nested ? { name: field.name, repeated: field.repeated, kind, nested } : { name: field.name, repeated: field.repeated, kind };
    }),
  };
}

function toCompact(shape: Shape, value: Record<string, unknown>): unknown[] {
  return shape.fields.map((field) => {
    const one = (item: unknown): unknown =>
      field.nested
        ? toCompact(field.nested, item as Record<string, unknown>)
        : field.kind === 'bytes'
          ? Buffer.from(item as Uint8Array).toString('base64')
          : field.kind === 'bool'
            ? (item ? 1 : 0)
            : field.kind === 'float'
              ? round2(item as number)
              : item;
    const v = value[field.name];
    return field.repeated ? ((v as unknown[] | undefined) ?? []).map(one) : v === undefined ? null : one(v);
  });
}

function fromCompact(shape: Shape, array: unknown[]): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  shape.fields.forEach((field, i) => {
    const one = (item: unknown): unknown =>
      field.nested ? fromCompact(field.nested, item as unknown[]) : field.kind === 'bytes' ? new Uint8Array(Buffer.from(item as string, 'base64')) : field.kind === 'bool' ? item === 1 : item;
    const v = array[i];
    if (v !== null && v !== undefined) value[field.name] = field.repeated ? (v as unknown[]).map(one) : one(v);
  });
  return value;
}

/**
 * Compact JSON, as a careful developer writes it when size matters: `[kind index, field, field, ...]` in declaration
 * order, nested messages as arrays, booleans as 0/1, floats rounded to 2 decimals, bytes in base64.
 */
export function compactJsonFormat(kinds: readonly MessageKind[], root: protobuf.Root = loadBenchProtos()): Format {
  const shapes = kinds.map((kind) => shapeOf(root.lookupType(kind.protoName)));
  const index = new Map(kinds.map((kind, i) => [kind.key, i]));
  return {
    key: 'jsonCompact',
    label: 'Compact JSON (arrays, 2 decimals)',
    floatTolerance: 0.005,
    encode(kind, value) {
      const i = index.get(kind.key) as number;
      return textEncoder.encode(JSON.stringify([i, ...toCompact(shapes[i] as Shape, value)]));
    },
    decode(bytes) {
      const array = JSON.parse(textDecoder.decode(bytes)) as unknown[];
      const i = array[0] as number;
      const kind = kinds[i];
      if (!kind) throw new Error(`unknown kind index ${String(i)}`);
      return { kind: kind.key, value: fromCompact(shapes[i] as Shape, array.slice(1)) };
    },
  };
}
