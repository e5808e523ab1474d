// What the printers need to know about a field: its wire form, its TypeScript type, and how it tracks presence.
import protobuf from 'protobufjs';
import { GenError } from './load.ts';
import { fullName } from './load.ts';

/** How 64-bit integers appear in generated types: exact bigints (default) or decimal strings. */
export type LongsAs = 'bigint' | 'string';

export interface Scalar {
  readonly proto: string;
  readonly wireType: number;
  /** Reader/Writer method, or the runtime's 64-bit helpers. */
  readonly method: string;
  readonly check: string;
  readonly long?: { readonly read: string; readonly write: string; readonly unsigned: boolean };
  readonly packable: boolean;
}

const scalar = (proto: string, wireType: number, method: string, check: string, packable = true): Scalar => ({
  proto, wireType, method, check, packable,
});
const long = (proto: string, wireType: number, read: string, write: string, unsigned: boolean): Scalar => ({
  proto, wireType, method: proto, check: 'toInt64', long: { read, write, unsigned }, packable: true,
});

export const scalars: Readonly<Record<string, Scalar>> = {
  double: scalar('double', 1, 'double', 'checkNumber'),
  float: scalar('float', 5, 'float', 'checkNumber'),
  int32: scalar('int32', 0, 'int32', 'checkInt32'),
  uint32: scalar('uint32', 0, 'uint32', 'checkUint32'),
  sint32: scalar('sint32', 0, 'sint32', 'checkInt32'),
  fixed32: scalar('fixed32', 5, 'fixed32', 'checkUint32'),
  sfixed32: scalar('sfixed32', 5, 'sfixed32', 'checkInt32'),
  bool: scalar('bool', 0, 'bool', 'checkBool'),
  string: scalar('string', 2, 'string', 'checkString', false),
  bytes: scalar('bytes', 2, 'bytes', 'checkBytes', false),
  int64: long('int64', 0, 'readInt64', 'writeInt64', false),
  uint64: long('uint64', 0, 'readUint64', 'writeInt64', true),
  sint64: long('sint64', 0, 'readSint64', 'writeSint64', false),
  fixed64: long('fixed64', 1, 'readFixed64', 'writeFixed64', true),
  sfixed64: long('sfixed64', 1, 'readSfixed64', 'writeFixed64', false),
};

/** Well-known types that map to plain JavaScript values instead of generated messages. */
export const wellKnown: Readonly<Record<string, { readonly ts: string; readonly read: string; readonly write: string }>> = {
  'google.protobuf.Timestamp': { ts: 'Date', read: 'readTimestamp', write: 'writeTimestamp' },
  'google.protobuf.Duration': { ts: 'number', read: 'readDuration', write: 'writeDuration' },
};

/** A single value's kind: the element of a repeated field, a map's value, or a plain field. */
export type ValueKind =
  | { readonly kind: 'scalar'; readonly scalar: Scalar }
  | { readonly kind: 'enum'; readonly type: protobuf.Enum }
  | { readonly kind: 'message'; readonly type: protobuf.Type }
  | { readonly kind: 'wellKnown'; readonly name: string };

export interface FieldModel {
  readonly field: protobuf.Field;
  readonly key: string;
  readonly id: number;
  /** `package.Message.field`, what errors name. */
  readonly where: string;
  readonly value: ValueKind;
  readonly shape: 'single' | 'repeated' | 'map';
  readonly mapKey?: Scalar;
  /** `implicit`: proto3 plain (zero = unset); `explicit`: optional, message; `required`: proto2 required. */
  readonly presence: 'implicit' | 'explicit' | 'required';
  /** The real (not synthetic) oneof the field belongs to. */
  readonly oneof?: protobuf.OneOf;
  readonly packed: boolean;
}

/** proto3 `optional` fields sit in a one-member oneof named `_field`; it is not a real choice. */
export function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.['proto3_optional'] === true;
}

function valueKind(field: protobuf.Field, typeName: string, where: string): ValueKind {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return { kind: 'enum', type: resolved };
  if (resolved instanceof protobuf.Type) {
    const name = fullName(resolved);
    return wellKnown[name] ? { kind: 'wellKnown', name } : { kind: 'message', type: resolved };
  }
  const found = scalars[typeName];
  if (!found) throw new GenError(`field ${where} has unsupported type ${typeName}`);
  return { kind: 'scalar', scalar: found };
}

/** The fields of `type` in field-number order (the order encoders write, as protobufjs does). */
export function fieldsOf(type: protobuf.Type): FieldModel[] {
  const models: FieldModel[] = [];
  for (const field of type.fieldsArray) {
    if (field.declaringField) continue; // proto2 extension fields: decoded as unknown fields
    const where = `${fullName(type)}.${field.name}`;
    if (field.delimited) throw new GenError(`field ${where}: groups are not supported; use a nested message`);
    const oneof = field.partOf && !isSyntheticOneof(field.partOf) ? field.partOf : undefined;
    const value = valueKind(field, field.type, where);
    if (field instanceof protobuf.MapField) {
      const mapKey = scalars[field.keyType];
      if (!mapKey) throw new GenError(`field ${where} has an unsupported map key type ${field.keyType}`);
      models.push({ field, key: field.name, id: field.id, where, value, shape: 'map', mapKey, presence: 'implicit', packed: false });
      continue;
    }
    const repeated = field.repeated;
    const packable = value.kind === 'enum' || (value.kind === 'scalar' && value.scalar.packable);
    const presence = repeated ? 'implicit' : field.required ? 'required' : field.hasPresence || oneof ? 'explicit' : 'implicit';
    models.push({
      field, key: field.name, id: field.id, where, value,
      shape: repeated ? 'repeated' : 'single',
      presence,
      ...(oneof ? { oneof } : {}),
      packed: repeated && packable && field.packed,
    });
  }
  return models.sort((a, b) => a.id - b.id);
}
