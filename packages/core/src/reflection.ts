// The pre-0.2 way to get a message type: protobufjs reflection over a JSON descriptor. Kept for code that builds
// descriptors at run time; generated modules no longer use it. Reflection compiles its codecs with `new Function`,
// so it does not run on a page with a strict Content-Security-Policy (`script-src 'self'`).
import protobuf from 'protobufjs/light.js';
import type { MessageType, MessageTypeSettings, Policy } from './schema.ts';
import { normalizePolicy, settingsFromOptions, typeId } from './schema.ts';
import type { Reader, Writer } from './wire/index.ts';

function makeMessageType<T extends object>(type: protobuf.Type, settings: Required<MessageTypeSettings> & { policy: Policy }): MessageType<T> {
  const name = type.fullName.replace(/^\./, '');
  const messageType: MessageType<T> = {
    name,
    id: typeId(name),
    lane: settings.lane,
    policy: settings.policy,
    maxBytes: settings.maxBytes,
    maxRate: settings.maxRate,
    encode: (value) => type.encode(value as object).finish(),
    decode: (bytes) => type.decode(bytes) as unknown as T,
    with: (overrides) =>
      makeMessageType<T>(type, {
        ...settings,
        ...overrides,
        policy: overrides.policy === undefined ? settings.policy : normalizePolicy(overrides.policy),
      } as Required<MessageTypeSettings> & { policy: Policy }),
    write: (value: unknown, writer: Writer) => {
      writer.raw(type.encode(value as object).finish());
    },
    read: (reader: Reader, length: number) => type.decode(reader, length) as unknown as T,
  };
  return Object.freeze(messageType);
}

/**
 * The message type `fullName` from a protobufjs root, with its lane and policy read from the .proto.
 * @deprecated Reflection needs `new Function` (blocked by a strict CSP) and types 64-bit integers loosely; generate
 * static code with `beckon gen` instead.
 */
export function messageType<T extends object>(root: protobuf.Root, fullName: string): MessageType<T> {
  const type = root.lookupType(fullName);
  return makeMessageType<T>(type, settingsFromOptions(type.options));
}

/**
 * A protobufjs root built from a JSON descriptor (the pre-0.2 generated modules embedded one).
 * @deprecated See `messageType`.
 */
export function rootFromJson(json: object): protobuf.Root {
  return protobuf.Root.fromJSON(json as protobuf.INamespace);
}
