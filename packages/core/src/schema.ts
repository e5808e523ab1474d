import protobuf from 'protobufjs/light.js';
import type { LaneName } from './lanes.ts';

// Beckon decodes 64-bit integers as plain numbers (exact up to 2^53), so payloads never carry Long objects.
// This must happen before any type's decoder is generated.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

/**
 * Who may send a message type (after Ant Media's data channel setting):
 * - `host`: members send it to the host only (an action); the host may send it to anyone.
 * - `everyone`: members may send it to everyone or to one participant; the host relays it.
 * - `nobody`: only the host sends it (an event).
 */
export type Policy = 'host' | 'everyone' | 'nobody';

/** Makes every field optional, recursively: what `encode` accepts. */
export type MessageInit<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer U)[]
    ? MessageInit<U>[]
    : T extends object
      ? { [K in keyof T]?: MessageInit<T[K]> | undefined }
      : T;

export interface MessageTypeSettings {
  readonly lane?: LaneName;
  readonly policy?: Policy;
  /** Largest payload the host accepts from a member for this type, in bytes; 0 means the room default. */
  readonly maxBytes?: number;
  /** Most messages of this type the host accepts from one member per second; 0 means no per-type limit. */
  readonly maxRate?: number;
}

/** A message type: its wire id, lane, policy and codec. Generated modules export one per message. */
export interface MessageType<T extends object = object> {
  /** Fully qualified protobuf name, e.g. `demo.CursorMoved`. */
  readonly name: string;
  /** FNV-1a hash of `name`: the type's id on the wire. */
  readonly id: number;
  readonly lane: LaneName;
  readonly policy: Policy;
  readonly maxBytes: number;
  readonly maxRate: number;
  encode(value: MessageInit<T>): Uint8Array;
  /** Throws on malformed bytes; the room catches and reports it. */
  decode(bytes: Uint8Array): T;
  /** The same type with a different lane, policy or size limit (the code-side override of the .proto). */
  with(settings: MessageTypeSettings): MessageType<T>;
}

const textEncoder = new TextEncoder();

/** FNV-1a 32-bit hash of a type's fully qualified name: a stable id that needs no registry negotiation. */
export function typeId(fullName: string): number {
  let hash = 0x811c9dc5;
  for (const byte of textEncoder.encode(fullName)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const laneOptions: Record<string, LaneName> = {
  RELIABLE: 'reliable',
  UNRELIABLE: 'unreliable',
  PARTIAL: 'partial',
  1: 'reliable',
  2: 'unreliable',
  3: 'partial',
};
const policyOptions: Record<string, Policy> = {
  HOST_ONLY: 'host',
  EVERYONE: 'everyone',
  NOBODY: 'nobody',
  1: 'host',
  2: 'everyone',
  3: 'nobody',
};

/** Reads a message's lane, policy and size limit from its `(beckon.*)` options, with defaults. */
export function settingsFromOptions(options: Record<string, unknown> | undefined): Required<MessageTypeSettings> {
  const lane = laneOptions[String(options?.['(beckon.lane)'] ?? '')] ?? 'reliable';
  const policy = policyOptions[String(options?.['(beckon.policy)'] ?? '')] ?? 'host';
  const maxBytes = Number(options?.['(beckon.max_bytes)'] ?? 0) || 0;
  const maxRate = Number(options?.['(beckon.max_rate)'] ?? 0) || 0;
  return { lane, policy, maxBytes, maxRate };
}

function makeMessageType<T extends object>(type: protobuf.Type, settings: Required<MessageTypeSettings>): MessageType<T> {
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
    with: (overrides) => makeMessageType<T>(type, { ...settings, ...overrides }),
  };
  return Object.freeze(messageType);
}

/** The message type `fullName` from a protobufjs root, with its lane and policy read from the .proto. */
export function messageType<T extends object>(root: protobuf.Root, fullName: string): MessageType<T> {
  const type = root.lookupType(fullName);
  return makeMessageType<T>(type, settingsFromOptions(type.options));
}

/** A protobufjs root built from the JSON descriptor that `beckon gen` embeds in generated modules. */
export function rootFromJson(json: object): protobuf.Root {
  return protobuf.Root.fromJSON(json as protobuf.INamespace);
}

/** Looks message types up by wire id. Refuses two types whose names hash to the same id. */
export class Registry {
  readonly #byId = new Map<number, MessageType>();

  constructor(types: Iterable<MessageType> = []) {
    for (const type of types) this.add(type);
  }

  add(type: MessageType): void {
    const existing = this.#byId.get(type.id);
    if (existing && existing.name !== type.name) {
      throw new Error(`Type id collision: ${existing.name} and ${type.name} hash to the same id`);
    }
    this.#byId.set(type.id, type);
  }

  get(id: number): MessageType | undefined {
    return this.#byId.get(id);
  }

  has(type: MessageType): boolean {
    return this.#byId.get(type.id)?.name === type.name;
  }

  *[Symbol.iterator](): IterableIterator<MessageType> {
    yield* this.#byId.values();
  }
}
