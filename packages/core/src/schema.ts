import type { LaneName } from './lanes.ts';
import { Reader, Writer } from './wire/index.ts';

// Generated modules inside core import their runtime from here, as apps import it from @beckon/core.
export * from './wire/index.ts';

/**
 * Who may send a message type, in words that say who sends to whom (after Ant Media's data channel setting):
 * - `member-to-host`: members send it to the host only (an action); the host may send it to anyone.
 * - `member-to-everyone`: members may send it to everyone or to one participant; the host relays it.
 * - `host-to-members`: only the host sends it (an event); members may not.
 */
export type Policy = 'member-to-host' | 'member-to-everyone' | 'host-to-members';

/**
 * The names before 0.2, which read backwards (`nobody` meant host-only). Still accepted by `with()`.
 * @deprecated Use `member-to-host`, `member-to-everyone` or `host-to-members`.
 */
export type DeprecatedPolicy = 'host' | 'everyone' | 'nobody';

const deprecatedPolicies: Record<DeprecatedPolicy, Policy> = {
  host: 'member-to-host',
  everyone: 'member-to-everyone',
  nobody: 'host-to-members',
};

/** A policy name, new or deprecated, as its current name. */
export function normalizePolicy(policy: Policy | DeprecatedPolicy): Policy {
  return (deprecatedPolicies as Record<string, Policy | undefined>)[policy] ?? (policy as Policy);
}

/** Makes every field optional, recursively: what `encode` accepts. */
export type MessageInit<T> = T extends Uint8Array | Date
  ? T
  : T extends readonly (infer U)[]
    ? readonly MessageInit<U>[]
    : T extends { readonly case: string; readonly value: unknown }
      ? // A oneof member: the case and its value come together.
        { readonly case: T['case']; readonly value: MessageInit<T['value']> }
      : T extends object
        ? { [K in keyof T]?: MessageInit<T[K]> | null | undefined }
        : T;

export interface MessageTypeSettings {
  readonly lane?: LaneName;
  readonly policy?: Policy | DeprecatedPolicy;
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
  /** Writes `value`'s fields (no length prefix) into `writer`: how generated code nests this type in another. */
  write(value: MessageInit<T>, writer: Writer): void;
  /** Reads `length` bytes of fields from `reader`. Throws on malformed bytes. */
  read(reader: Reader, length: number): T;
}

/** What a generated module hands `defineMessage`: the settings the generator read from the .proto, and the codec. */
export interface MessageDefinition<T extends object> {
  readonly name: string;
  readonly lane: LaneName;
  readonly policy: Policy;
  readonly maxBytes: number;
  readonly maxRate: number;
  write(value: MessageInit<T>, writer: Writer): void;
  read(reader: Reader, length: number): T;
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
  MEMBER_TO_HOST: 'member-to-host',
  MEMBER_TO_EVERYONE: 'member-to-everyone',
  HOST_TO_MEMBERS: 'host-to-members',
  // Deprecated aliases (same numbers), kept for one release.
  HOST_ONLY: 'member-to-host',
  EVERYONE: 'member-to-everyone',
  NOBODY: 'host-to-members',
  1: 'member-to-host',
  2: 'member-to-everyone',
  3: 'host-to-members',
};

/** Reads a message's lane, policy and size limit from its `(beckon.*)` options, with defaults. */
export function settingsFromOptions(options: Record<string, unknown> | undefined): Required<MessageTypeSettings> & { policy: Policy } {
  const lane = laneOptions[String(options?.['(beckon.lane)'] ?? '')] ?? 'reliable';
  const policy = policyOptions[String(options?.['(beckon.policy)'] ?? '')] ?? 'member-to-host';
  const maxBytes = Number(options?.['(beckon.max_bytes)'] ?? 0) || 0;
  const maxRate = Number(options?.['(beckon.max_rate)'] ?? 0) || 0;
  return { lane, policy, maxBytes, maxRate };
}

/** A message type from generated code: its static codec plus the lane, policy and limits from the .proto. */
export function defineMessage<T extends object>(definition: MessageDefinition<T>): MessageType<T> {
  const { write, read } = definition;
  const messageType: MessageType<T> = {
    name: definition.name,
    id: typeId(definition.name),
    lane: definition.lane,
    policy: definition.policy,
    maxBytes: definition.maxBytes,
    maxRate: definition.maxRate,
    encode: (value) => {
      const writer = Writer.create();
      try {
        write(value, writer);
      } catch (error) {
        writer.finish(); // hands the shared buffer back
        throw error;
      }
      return writer.finish();
    },
    decode: (bytes) => {
      const reader = Reader.create(bytes);
      return read(reader, reader.len);
    },
    with: (overrides) =>
      defineMessage<T>({
        ...definition,
        ...overrides,
        policy: overrides.policy === undefined ? definition.policy : normalizePolicy(overrides.policy),
      }),
    write,
    read,
  };
  return Object.freeze(messageType);
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
