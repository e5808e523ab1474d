// Prints a message's static encoder and decoder over protobufjs/minimal's Writer and Reader.
import type protobuf from 'protobufjs';
import type { FieldModel, LongsAs, Scalar, ValueKind } from './fields.ts';
import { fieldsOf, wellKnown } from './fields.ts';
import { quote } from './literal.ts';
import { fullName } from './load.ts';

/** How the module refers to things: type names, codec functions, runtime helpers it must import. */
export interface CodecRefs {
  readonly longs: LongsAs;
  typeName(definition: protobuf.Type | protobuf.Enum): string;
  writeFn(type: protobuf.Type): string;
  readFn(type: protobuf.Type): string;
  /** Marks a runtime export as used (so it is imported) and returns its name. */
  use(helper: string): string;
}

const tag = (id: number, wireType: number): number => ((id << 3) | wireType) >>> 0;

function wireTypeOf(value: ValueKind): number {
  return value.kind === 'scalar' ? value.scalar.wireType : value.kind === 'enum' ? 0 : 2;
}

/** Zero value of a single value, for defaults. */
function zero(value: ValueKind, refs: CodecRefs): string {
  if (value.kind === 'enum') {
    const values = Object.values(value.type.values);
    const first = values.includes(0) ? 0 : (values[0] ?? 0);
    return `${first} as ${refs.typeName(value.type)}`;
  }
  if (value.kind !== 'scalar') return 'undefined';
  const { scalar } = value;
  if (scalar.long) return refs.longs === 'string' ? "'0'" : '0n';
  if (scalar.proto === 'bool') return 'false';
  if (scalar.proto === 'string') return "''";
  if (scalar.proto === 'bytes') return 'new Uint8Array(0)';
  return '0';
}

/** An expression that writes the (unchecked) value `x` after `writer` (a Writer expression that already holds the tag). */
function writeValue(value: ValueKind, x: string, writer: string, where: string, refs: CodecRefs): string {
  const at = quote(where);
  switch (value.kind) {
    case 'enum':
      return `${writer}.int32(${refs.use('checkInt32')}(${x}, ${at}))`;
    case 'scalar': {
      const { scalar } = value;
      if (scalar.long) return `${refs.use(scalar.long.write)}(${writer}, ${refs.use('toInt64')}(${x}, ${at}, ${scalar.long.unsigned}))`;
      return `${writer}.${scalar.method}(${refs.use(scalar.check)}(${x}, ${at}))`;
    }
    case 'message':
      return `(${refs.use('checkObject')}(${x}, ${at}), ${refs.writeFn(value.type)}(${x}, ${writer}.fork()), w.ldelim())`;
    case 'wellKnown':
      return `(${refs.use(wellKnown[value.name]?.write ?? '')}(${x}, ${writer}.fork(), ${at}), w.ldelim())`;
  }
}

/** An expression reading one value from `r`. */
function readValue(value: ValueKind, refs: CodecRefs): string {
  switch (value.kind) {
    case 'enum':
      return `r.int32() as ${refs.typeName(value.type)}`;
    case 'scalar': {
      const { scalar } = value;
      if (scalar.long) {
        const read = `${refs.use(scalar.long.read)}(r)`;
        return refs.longs === 'string' ? `String(${read})` : read;
      }
      return scalar.proto === 'string' ? `${refs.use('readString')}(r)` : `r.${scalar.method}()`;
    }
    case 'message':
      return `${refs.readFn(value.type)}(r, r.uint32())`;
    case 'wellKnown':
      return `${refs.use(wellKnown[value.name]?.read ?? '')}(r, r.uint32())`;
  }
}

/** The test that an implicit-presence value `v` is not its zero (zero values are not written). */
function nonZero(value: ValueKind, v: string, refs: CodecRefs): string | null {
  if (value.kind === 'enum') return `${v} !== 0`;
  if (value.kind !== 'scalar') return null;
  const { scalar } = value;
  if (scalar.long) return null; // compared after conversion
  if (scalar.proto === 'bool') return `${v} !== false`;
  if (scalar.proto === 'string') return `${v} !== ''`;
  if (scalar.proto === 'bytes') return null; // checked, then its length
  void refs;
  return `${v} !== 0`;
}

function mapKeyWrite(key: Scalar, k: string, where: string, refs: CodecRefs): string {
  const writer = `w.uint32(${tag(1, key.wireType)})`;
  const at = quote(where);
  if (key.long) return `${refs.use(key.long.write)}(${writer}, ${refs.use('toInt64')}(${k}, ${at}, ${key.long.unsigned}))`;
  if (key.proto === 'string') return `${writer}.string(${k})`;
  if (key.proto === 'bool') return `${writer}.bool(${refs.use('mapKeyBool')}(${k}, ${at}))`;
  const unsigned = key.check === 'checkUint32';
  return `${writer}.${key.method}(${refs.use('mapKeyInt32')}(${k}, ${at}, ${unsigned}))`;
}

function writeField(model: FieldModel, refs: CodecRefs): string[] {
  const { value, where } = model;
  const t = tag(model.id, wireTypeOf(value));
  const at = quote(where);
  const v = `m.${model.key}`;
  if (model.oneof) {
    const o = `m.${model.oneof.name}`;
    return [`if (${o}?.case === ${quote(model.key)}) ${writeValue(value, `${o}.value`, `w.uint32(${t})`, where, refs)};`];
  }
  if (model.shape === 'repeated') {
    const lines = [`if (${v} != null) {`, `  const a = ${refs.use('checkArray')}(${v}, ${at});`];
    if (model.packed) {
      const element = writeValue(value, 'x', 'w', where, refs);
      lines.push(`  if (a.length > 0) {`, `    w.uint32(${tag(model.id, 2)}).fork();`, `    for (const x of a) ${element};`, `    w.ldelim();`, `  }`);
    } else {
      lines.push(`  for (const x of a) ${writeValue(value, 'x', `w.uint32(${t})`, where, refs)};`);
    }
    lines.push('}');
    return lines;
  }
  if (model.shape === 'map') {
    const key = model.mapKey as Scalar;
    const valueWrite = writeValue(value, 'x', `w.uint32(${tag(2, wireTypeOf(value))})`, where, refs);
    return [
      `if (${v} != null) {`,
      `  const map = ${refs.use('checkObject')}(${v}, ${at});`,
      `  for (const [k, x] of Object.entries(map)) {`,
      `    if (x == null) continue;`,
      `    w.uint32(${tag(model.id, 2)}).fork();`,
      `    ${mapKeyWrite(key, 'k', where, refs)};`,
      `    ${valueWrite};`,
      `    w.ldelim();`,
      `  }`,
      `}`,
    ];
  }
  const write = writeValue(value, v, `w.uint32(${t})`, where, refs);
  if (model.presence !== 'implicit' || value.kind === 'message' || value.kind === 'wellKnown') {
    return model.presence === 'required' ? [`${write};`] : [`if (${v} != null) ${write};`];
  }
  if (value.kind === 'scalar' && value.scalar.long) {
    const { long } = value.scalar;
    return [
      `if (${v} != null) {`,
      `  const n = ${refs.use('toInt64')}(${v}, ${at}, ${long.unsigned});`,
      `  if (n !== 0n) ${refs.use(long.write)}(w.uint32(${t}), n);`,
      `}`,
    ];
  }
  if (value.kind === 'scalar' && value.scalar.proto === 'bytes') {
    return [`if (${v} != null && ${refs.use('checkBytes')}(${v}, ${at}).length > 0) w.uint32(${t}).bytes(${v});`];
  }
  return [`if (${v} != null && ${nonZero(value, v, refs) ?? 'true'}) ${write};`];
}

/** `function write$X(m, w) { … }` */
export function printWriter(type: protobuf.Type, name: string, fnName: string, refs: CodecRefs): string {
  const fields = fieldsOf(type);
  const body: string[] = [];
  const oneofs = new Map<string, string[]>();
  for (const model of fields) if (model.oneof) oneofs.set(model.oneof.name, [...(oneofs.get(model.oneof.name) ?? []), model.key]);
  for (const [oneof, cases] of oneofs) {
    const o = `m.${oneof}`;
    const known = cases.map((c) => `${o}.case !== ${quote(c)}`).join(' && ');
    body.push(
      `if (${o} != null && ${o}.case !== undefined && ${known}) {`,
      `  ${refs.use('badCase')}(${o}, ${quote(`${fullName(type)}.${oneof}`)}, ${quote(cases.map((c) => `'${c}'`).join(' | '))});`,
      `}`,
    );
  }
  for (const model of fields) body.push(...writeField(model, refs));
  const param = body.length === 0 ? '_m' : 'm';
  const writerParam = body.length === 0 ? '_w' : 'w';
  const init = `${refs.use('MessageInit')}<${name}>`;
  return [
    `function ${fnName}(${param}: ${init}, ${writerParam}: ${refs.use('Writer')}): void {`,
    ...body.map((line) => `  ${line}`),
    `}`,
  ].join('\n');
}

/** `function read$X(r, length) { … }` */
export function printReader(type: protobuf.Type, name: string, fnName: string, refs: CodecRefs): string {
  const fields = fieldsOf(type);
  const init: string[] = [];
  const seenOneofs = new Set<string>();
  for (const model of fields) {
    if (model.oneof) {
      if (!seenOneofs.has(model.oneof.name)) init.push(`${model.oneof.name}: { case: undefined }`);
      seenOneofs.add(model.oneof.name);
    } else if (model.shape === 'repeated') init.push(`${model.key}: []`);
    else if (model.shape === 'map') init.push(`${model.key}: {}`);
    else if (model.presence !== 'explicit' && model.value.kind !== 'message' && model.value.kind !== 'wellKnown') {
      init.push(`${model.key}: ${zero(model.value, refs)}`);
    }
  }
  const cases: string[] = [];
  const required = fields.filter((model) => model.presence === 'required');
  for (const model of fields) {
    const { value } = model;
    const m = `m.${model.key}`;
    const t = tag(model.id, wireTypeOf(value));
    const seen = model.presence === 'required' ? ` seen$${model.key} = true;` : '';
    if (model.oneof) {
      cases.push(`case ${t}:`, `  m.${model.oneof.name} = { case: ${quote(model.key)}, value: ${readValue(value, refs)} };`, `  break;`);
    } else if (model.shape === 'repeated') {
      const packable = value.kind === 'enum' || (value.kind === 'scalar' && value.scalar.packable);
      // Either form is accepted for packable types, whatever the .proto says (the spec requires it).
      if (packable) {
        const other = tag(model.id, 2);
        cases.push(
          `case ${other}: {`,
          `  const stop = r.uint32() + r.pos;`,
          `  while (r.pos < stop) ${m}.push(${readValue(value, refs)});`,
          `  ${refs.use('checkEnd')}(r, stop);`,
          `  break;`,
          `}`,
        );
      }
      cases.push(`case ${t}:`, `  ${m}.push(${readValue(value, refs)});`, `  break;`);
    } else if (model.shape === 'map') {
      const key = model.mapKey as Scalar;
      const keyKind: ValueKind = { kind: 'scalar', scalar: key };
      const keyRead = readValue(keyKind, { ...refs, longs: 'string', use: refs.use, typeName: refs.typeName, writeFn: refs.writeFn, readFn: refs.readFn });
      const keyValue = key.proto === 'bool' ? `String(k)` : 'k';
      const missing = value.kind === 'message' ? `${refs.readFn(value.type)}(r, 0)` : zero(value, refs);
      const valueTag = tag(2, wireTypeOf(value));
      cases.push(
        `case ${tag(model.id, 2)}: {`,
        `  const stop = r.uint32() + r.pos;`,
        `  let k = ${key.long || key.proto === 'string' ? "''" : key.proto === 'bool' ? 'false' : '0'};`,
        `  let x: ${name}[${quote(model.key)}][number] | undefined;`,
        `  while (r.pos < stop) {`,
        `    const t = r.uint32();`,
        `    if (t === ${tag(1, key.wireType)}) k = ${keyRead};`,
        `    else if (t === ${valueTag}) x = ${readValue(value, refs)};`,
        `    else ${refs.use('skipField')}(r, t);`,
        `  }`,
        `  ${refs.use('checkEnd')}(r, stop);`,
        `  ${refs.use('setEntry')}(${m}, ${keyValue}, x ?? ${missing});`,
        `  break;`,
        `}`,
      );
    } else {
      cases.push(`case ${t}:`, `  ${m} = ${readValue(value, refs)};${seen}`, `  break;`);
    }
  }
  const lines = [
    `function ${fnName}(r: ${refs.use('Reader')}, length: number): ${name} {`,
    `  const end = r.pos + length;`,
    `  const m: ${name} = { ${init.join(', ')} };`,
    ...required.map((model) => `  let seen$${model.key} = false;`),
    `  while (r.pos < end) {`,
    `    const tag = r.uint32();`,
  ];
  if (cases.length === 0) {
    lines.push(`    ${refs.use('skipField')}(r, tag);`);
  } else {
    lines.push(`    switch (tag) {`, ...cases.map((line) => `      ${line}`), `      default:`, `        ${refs.use('skipField')}(r, tag);`, `    }`);
  }
  lines.push(`  }`, `  ${refs.use('checkEnd')}(r, end);`);
  for (const model of required) {
    lines.push(`  if (!seen$${model.key}) throw new RangeError(${quote(`${fullName(type)}: missing required '${model.key}'`)});`);
  }
  lines.push(`  return m;`, `}`);
  return lines.join('\n');
}
