// Prints the TypeScript shape of a message (what decode returns) and of an enum.
import protobuf from 'protobufjs';
import type { FieldModel, LongsAs, ValueKind } from './fields.ts';
import { fieldsOf, wellKnown } from './fields.ts';
import { propertyKey, quote } from './literal.ts';
import { docComment } from './names.ts';

export interface TypeRefs {
  readonly longs: LongsAs;
  typeName(definition: protobuf.Type | protobuf.Enum): string;
}

function valueType(value: ValueKind, refs: TypeRefs): string {
  switch (value.kind) {
    case 'enum':
    case 'message':
      return refs.typeName(value.type);
    case 'wellKnown':
      return wellKnown[value.name]?.ts ?? 'unknown';
    case 'scalar': {
      const { scalar } = value;
      if (scalar.long) return refs.longs;
      if (scalar.proto === 'bool') return 'boolean';
      if (scalar.proto === 'string') return 'string';
      if (scalar.proto === 'bytes') return 'Uint8Array';
      return 'number';
    }
  }
}

function member(model: FieldModel, refs: TypeRefs): string {
  const key = propertyKey(model.key);
  const type = valueType(model.value, refs);
  if (model.shape === 'map') {
    const numeric = model.mapKey && !model.mapKey.long && !['string', 'bool'].includes(model.mapKey.proto);
    return `${key}: { [key: ${numeric ? 'number' : 'string'}]: ${type} };`;
  }
  if (model.shape === 'repeated') return `${key}: ${type.includes(' ') ? `(${type})` : type}[];`;
  const optional = model.presence === 'explicit' || (model.presence === 'implicit' && (model.value.kind === 'message' || model.value.kind === 'wellKnown'));
  return optional ? `${key}?: ${type} | undefined;` : `${key}: ${type};`;
}

export function printMessageInterface(type: protobuf.Type, name: string, refs: TypeRefs): string {
  const members: string[] = [];
  const oneofs = new Map<protobuf.OneOf, FieldModel[]>();
  const fields = fieldsOf(type);
  for (const model of fields) if (model.oneof) oneofs.set(model.oneof, [...(oneofs.get(model.oneof) ?? []), model]);
  const printed = new Set<protobuf.OneOf>();
  // Declaration order reads like the .proto; each oneof sits where its first member was declared.
  const declared = [...fields].sort((a, b) => type.fieldsArray.indexOf(a.field) - type.fieldsArray.indexOf(b.field));
  for (const model of declared) {
    if (model.oneof) {
      if (printed.has(model.oneof)) continue;
      printed.add(model.oneof);
      const cases = (oneofs.get(model.oneof) ?? []).map((one) => `    | { case: ${quote(one.key)}; value: ${valueType(one.value, refs)} }`);
      const doc = docComment(model.oneof.comment, '  ');
      members.push(`${doc}  ${propertyKey(model.oneof.name)}:\n${cases.join('\n')}\n    | { case: undefined };`);
      continue;
    }
    members.push(`${docComment(model.field.comment, '  ')}  ${member(model, refs)}`);
  }
  const body = members.length === 0 ? '{}' : `{\n${members.join('\n')}\n}`;
  return `${docComment(type.comment, '')}export interface ${name} ${body}`;
}

export function printEnum(definition: protobuf.Enum, name: string): string {
  const values = Object.entries(definition.values).map(([key, value]) => {
    const valueDoc = docComment(definition.comments[key] ?? null, '  ');
    return `${valueDoc}  ${propertyKey(key)}: ${value},`;
  });
  return [
    `${docComment(definition.comment, '')}export const ${name} = {\n${values.join('\n')}\n} as const;`,
    `export type ${name} = (typeof ${name})[keyof typeof ${name}];`,
  ].join('\n');
}
