// `protoc-gen-beckon`: the generator as a protoc / `buf generate` plugin. Reads a CodeGeneratorRequest on stdin,
// writes a CodeGeneratorResponse on stdout. Parameters: `target=ts|js`, `longs=bigint|string`, `runtime=<module>`.
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { LongsAs } from './fields.ts';
import type { Target } from './generate.ts';
import { generateFromRoot, GenError } from './generate.ts';

const beckonOptions: Record<number, string> = { 50101: '(beckon.lane)', 50102: '(beckon.policy)', 50103: '(beckon.max_bytes)', 50104: '(beckon.max_rate)' };

interface Request {
  readonly filesToGenerate: string[];
  readonly parameter: string;
  readonly protoFiles: Uint8Array[];
}

function readRequest(bytes: Uint8Array): Request {
  const reader = protobuf.Reader.create(bytes);
  const request: Request = { filesToGenerate: [], parameter: '', protoFiles: [] };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) request.filesToGenerate.push(reader.string());
    else if (tag === 18) (request as { parameter: string }).parameter = reader.string();
    else if (tag === 122) request.protoFiles.push(reader.bytes());
    else reader.skipType(tag & 7);
  }
  return request;
}

/** Length-delimited field `id`'s payloads in `bytes`. */
function submessages(bytes: Uint8Array, id: number): Uint8Array[] {
  const reader = protobuf.Reader.create(bytes);
  const found: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((id << 3) | 2)) found.push(reader.bytes());
    else reader.skipType(tag & 7);
  }
  return found;
}

function stringField(bytes: Uint8Array, id: number): string {
  const reader = protobuf.Reader.create(bytes);
  let value = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((id << 3) | 2)) value = reader.string();
    else reader.skipType(tag & 7);
  }
  return value;
}

/**
 * protobufjs's descriptor types drop extension options, so Beckon's (beckon.*) message options are read from the raw
 * DescriptorProto bytes: full message name → option name → value.
 */
function beckonOptionsOf(file: Uint8Array): Map<string, Record<string, number>> {
  const result = new Map<string, Record<string, number>>();
  const pkg = stringField(file, 2);
  const visit = (message: Uint8Array, prefix: string): void => {
    const name = `${prefix}${stringField(message, 1)}`;
    for (const options of submessages(message, 7)) {
      const reader = protobuf.Reader.create(options);
      const found: Record<string, number> = {};
      while (reader.pos < reader.len) {
        const tag = reader.uint32();
        const option = beckonOptions[tag >>> 3];
        if (option && (tag & 7) === 0) found[option] = reader.uint32();
        else reader.skipType(tag & 7);
      }
      if (Object.keys(found).length > 0) result.set(name, found);
    }
    for (const nested of submessages(message, 3)) visit(nested, `${name}.`);
  };
  for (const message of submessages(file, 4)) visit(message, pkg ? `${pkg}.` : '');
  return result;
}

function rootOf(files: readonly Uint8Array[]): protobuf.Root {
  const decoded = files.map((file) => descriptor.FileDescriptorProto.decode(file) as unknown as { name: string; package?: string; messageType?: { name: string }[]; enumType?: { name: string }[] });
  const root = (protobuf.Root as unknown as { fromDescriptor(set: unknown): protobuf.Root }).fromDescriptor({ file: decoded });
  // fromDescriptor records a file only on its package, which files share: give each top-level definition its file.
  for (const file of decoded) {
    for (const definition of [...(file.messageType ?? []), ...(file.enumType ?? [])]) {
      const object = root.lookup(`${file.package ? `${file.package}.` : ''}${definition.name}`);
      if (object) object.filename = file.name;
    }
  }
  for (const file of files) {
    for (const [name, options] of beckonOptionsOf(file)) {
      const type = root.lookupType(name);
      for (const [key, value] of Object.entries(options)) type.setOption(key, value);
    }
  }
  for (const file of decoded as unknown as FileLike[]) fixOptionals(root, file.package ?? '', file.messageType ?? []);
  const maps = convertMapEntries(root);
  root.resolveAll();
  for (const map of maps) map.resolve();
  return root;
}

interface MessageLike {
  readonly name: string;
  readonly field?: { readonly name: string; readonly proto3Optional?: boolean }[];
  readonly nestedType?: MessageLike[];
}
interface FileLike {
  readonly package?: string;
  readonly messageType?: MessageLike[];
}

/** protobufjs's fromDescriptor looks for `proto3_optional`, but its descriptor types decode `proto3Optional`. */
function fixOptionals(root: protobuf.Root, prefix: string, messages: readonly MessageLike[]): void {
  for (const message of messages) {
    const name = prefix ? `${prefix}.${message.name}` : message.name;
    const type = root.lookupType(name);
    for (const field of message.field ?? []) {
      if (field.proto3Optional) type.fields[protobuf.util.camelCase(field.name)]?.setOption('proto3_optional', true);
    }
    fixOptionals(root, name, message.nestedType ?? []);
  }
}

/** Descriptors spell a map as a repeated field of a nested `XEntry { key = 1; value = 2; }` type; make it a map. */
function convertMapEntries(root: protobuf.Root): protobuf.MapField[] {
  const maps: protobuf.MapField[] = [];
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of [...namespace.nestedArray]) {
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
    }
    if (!(namespace instanceof protobuf.Type)) return;
    for (const entry of namespace.nestedArray) {
      if (!(entry instanceof protobuf.Type) || !(entry.options?.['map_entry'] || entry.options?.['mapEntry'])) continue;
      const key = entry.fieldsArray.find((field) => field.id === 1);
      const value = entry.fieldsArray.find((field) => field.id === 2);
      if (!key || !value) continue;
      // Re-adds every field in its order, the map in place of its entry list (declaration order is kept).
      const fields = [...namespace.fieldsArray];
      for (const field of fields) namespace.remove(field);
      for (const field of fields) {
        if (!field.repeated || (field.type !== entry.name && !field.type.endsWith(`.${entry.name}`))) {
          namespace.add(field);
          continue;
        }
        const map = new protobuf.MapField(field.name, field.id, key.type, value.type, field.options);
        namespace.add(map);
        maps.push(map);
      }
      namespace.remove(entry);
    }
  };
  visit(root);
  return maps;
}

function parseParameter(parameter: string): { target: Target; longs: LongsAs; runtime: string } {
  const options = { target: 'ts' as Target, longs: 'bigint' as LongsAs, runtime: '@beckon/core' };
  for (const pair of parameter.split(',').filter(Boolean)) {
    const [key = '', value = ''] = pair.split('=');
    if (key === 'target' && (value === 'ts' || value === 'js')) options.target = value;
    else if (key === 'longs' && (value === 'bigint' || value === 'string')) options.longs = value;
    else if (key === 'runtime' && value) options.runtime = value;
    else throw new GenError(`unknown parameter "${pair}" (protoc-gen-beckon takes target=ts|js, longs=bigint|string, runtime=<module>)`);
  }
  return options;
}

function writeResponse(files: ReadonlyMap<string, string>, error?: string): Uint8Array {
  const writer = protobuf.Writer.create();
  if (error !== undefined) writer.uint32(10).string(error);
  writer.uint32(16).uint64(1); // FEATURE_PROTO3_OPTIONAL
  for (const [name, content] of files) writer.uint32(122).fork().uint32(10).string(name).uint32(122).string(content).ldelim();
  return writer.finish();
}

/** Runs the plugin on one request; returns the response bytes (errors go into the response, as protoc expects). */
export function runPlugin(requestBytes: Uint8Array, warn: (message: string) => void): Uint8Array {
  try {
    const request = readRequest(requestBytes);
    const options = parseParameter(request.parameter);
    const root = rootOf(request.protoFiles);
    const files = generateFromRoot(root, request.filesToGenerate, {
      ...options,
      baseDir: process.cwd(),
      regenerate: 'run `buf generate` (or protoc with protoc-gen-beckon)',
      warn,
    });
    return writeResponse(files);
  } catch (error) {
    return writeResponse(new Map(), error instanceof Error ? error.message : String(error));
  }
}

/** The bin's entry: stdin → stdout. */
export async function pluginMain(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const response = runPlugin(new Uint8Array(Buffer.concat(chunks)), (message) => process.stderr.write(`protoc-gen-beckon: warning: ${message}\n`));
  await new Promise<void>((resolve, reject) => process.stdout.write(response, (error) => (error ? reject(error) : resolve())));
  return 0;
}
