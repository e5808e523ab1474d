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
  readonly key: 'beckon' | 'reflection' | 'binarypack' | 'json';
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

/**
 * Beckon: the payload encoded by the type's static codec from `beckon gen` (protobufjs/minimal Reader/Writer) inside
 * Beckon's wire envelope. Reliable-lane messages carry an ack sequence number, as the room sends them; unreliable
 * ones carry none.
 */
export function beckonFormat(kinds: readonly MessageKind[]): Format {
  const byName = new Map<string, MessageType>(staticTypes.map((type) => [type.name, type as MessageType]));
  return envelopeFormat('beckon', 'Beckon (static protobuf + envelope)', kinds, (kind) => {
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
  return envelopeFormat('reflection', 'Beckon before v2 (protobufjs reflection + envelope)', kinds, (kind) => messageType(root, kind.protoName));
}

function envelopeFormat(key: 'beckon' | 'reflection', label: string, kinds: readonly MessageKind[], typeOf: (kind: MessageKind) => MessageType): Format {
  const types = new Map<string, MessageType>();
  const kindById = new Map<number, string>();
  for (const kind of kinds) {
    const type = typeOf(kind);
    types.set(kind.key, type);
    kindById.set(type.id, kind.key);
  }
  const registry = new Registry(types.values());
  // A long-lived link's sequence numbers: kept in 2-byte varint range so every run sizes frames alike.
  let counter = 0;
  const nextSeq = (): number => 1000 + (counter++ % 10_000);
  return {
    key,
    label,
    encode(kind, value) {
      const type = types.get(kind.key) as MessageType;
      const payload = type.encode(value);
      return encodeFrame({ type: type.id, payload, seq: type.lane === 'reliable' ? nextSeq() : 0 });
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

/** JSON as apps send it: `{type, ...fields}` stringified, bytes fields base64-encoded, UTF-8 on the wire. */
export function jsonFormat(kinds: readonly MessageKind[]): Format {
  const byKey = new Map(kinds.map((kind) => [kind.key, kind]));
  return {
    key: 'json',
    label: 'JSON',
    encode(kind, value) {
      let object: Record<string, unknown> = { type: kind.key, ...value };
      if (kind.bytesFields.length > 0) {
        object = { ...object };
        for (const field of kind.bytesFields) object[field] = Buffer.from(value[field] as Uint8Array).toString('base64');
      }
      return textEncoder.encode(JSON.stringify(object));
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
