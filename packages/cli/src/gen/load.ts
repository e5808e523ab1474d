import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** A problem in the user's input: the command prints its message and exits 1, without a stack trace. */
export class GenError extends Error {
  override readonly name = 'GenError';
}

/**
 * Where `import "beckon/options.proto"` is found without --proto-path: the copy the package ships (`protos/`, written
 * by the build), and the repository's `protos/` when running from the workspace (it also holds envelope.proto).
 */
export const bundledProtoDirs = [new URL('../../protos', import.meta.url), new URL('../../../../protos', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .filter((dir) => existsSync(path.join(dir, 'beckon/options.proto')));

const require = createRequire(import.meta.url);

/** Shows a path relative to `baseDir` with forward slashes, so headers and errors do not depend on the machine. */
export function displayPath(file: string, baseDir: string): string {
  const relative = path.relative(baseDir, file);
  return (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
}

export interface LoadOptions {
  readonly files: readonly string[];
  readonly protoPaths: readonly string[];
  readonly baseDir: string;
}

/**
 * Parses the input files and their imports into one resolved protobufjs root (camelCase field names,
 * comments kept). Import paths are looked up like protoc does: in each proto path, then in each input
 * file's dir, then in the bundled `protos/`, and finally next to the importing file.
 */
export function loadRoot(options: LoadOptions): protobuf.Root {
  const files = options.files.map((file) => path.resolve(file));
  for (const file of files) {
    if (!existsSync(file)) throw new GenError(`file not found: ${displayPath(file, options.baseDir)}`);
  }
  const searchDirs = [
    ...options.protoPaths.map((dir) => path.resolve(dir)),
    ...files.map((file) => path.dirname(file)),
    ...bundledProtoDirs,
  ].filter((dir, index, all) => all.indexOf(dir) === index);

  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target)) return target;
    // protobufjs bundles the well-known types but not descriptor.proto, which options.proto extends.
    if (target.startsWith('google/protobuf/')) return require.resolve(`protobufjs/${target}`);
    for (const dir of searchDirs) {
      const candidate = path.join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    const besideOrigin = path.join(path.dirname(origin), target);
    if (existsSync(besideOrigin)) return besideOrigin;
    const from = origin ? ` (imported by ${displayPath(origin, options.baseDir)})` : '';
    const searched = searchDirs.map((dir) => displayPath(dir, options.baseDir)).join(', ');
    throw new GenError(`cannot find import "${target}"${from}; searched ${searched}`);
  };

  try {
    // Parses every file, then resolves every type.
    root.loadSync(files, { alternateCommentMode: true });
  } catch (error) {
    const described = describeLoadError(error, options.baseDir, root.files);
    // protobufjs names neither the field nor the file of a type it cannot find: look again, field by field.
    if (!described.located) resolveFields(root, options.baseDir);
    throw described.error;
  }
  return root;
}

/** protobufjs says "illegal token 'x' (/abs/file.proto, line 3)"; compilers say "file.proto:3: illegal token 'x'". */
function describeLoadError(error: unknown, baseDir: string, loaded: readonly string[]): { error: GenError; located: boolean } {
  if (error instanceof GenError) return { error, located: true };
  const message = error instanceof Error ? error.message : String(error);
  const located = /^(.*) \((?:(.+), )?line (\d+)\)$/s.exec(message);
  if (located) {
    const [, what = '', named, line = ''] = located;
    // The tokenizer's errors name only the line: find the file by parsing each loaded file on its own.
    const file = named ?? loaded.find((candidate) => !parsesAlone(candidate));
    const where = file ? `${displayPath(file, baseDir)}:${line}` : `line ${line}`;
    return { error: new GenError(`${where}: ${what}`), located: true };
  }
  return { error: new GenError(message), located: false };
}

function parsesAlone(file: string): boolean {
  try {
    protobuf.parse(readFileSync(file, 'utf8'), new protobuf.Root(), { alternateCommentMode: true });
    return true;
  } catch {
    return false;
  }
}

/** Resolves every field type, naming the field and its file when one is unknown (protobufjs names neither). */
function resolveFields(root: protobuf.Root, baseDir: string): void {
  for (const type of allTypes(root)) {
    for (const field of type.fieldsArray) {
      try {
        field.resolve();
      } catch (error) {
        const file = fileOf(type);
        const typeName = field.type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const line = file ? lineOf(file, new RegExp(`${typeName}\\s+\\w+\\s*=\\s*${field.id}\\b`)) : null;
        const where = file ? `${displayPath(file, baseDir)}${line ? `:${line}` : ''}: ` : '';
        const reason = error instanceof Error ? error.message : String(error);
        throw new GenError(`${where}field ${fullName(type)}.${field.name} has an unknown type "${field.type}" (${reason})`);
      }
    }
  }
}

/** Every message and enum under `namespace`, depth first in declaration order. */
export function allTypes(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return allDefinitions(namespace).filter((object): object is protobuf.Type => object instanceof protobuf.Type);
}

export function allDefinitions(namespace: protobuf.NamespaceBase): (protobuf.Type | protobuf.Enum)[] {
  const found: (protobuf.Type | protobuf.Enum)[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum) found.push(nested);
    if (nested instanceof protobuf.Namespace) found.push(...allDefinitions(nested));
  }
  return found;
}

/** Fully qualified name without the leading dot, e.g. `examples.Reading`. */
export function fullName(object: protobuf.ReflectionObject): string {
  return object.fullName.replace(/^\./, '');
}

/** The absolute path of the .proto file that declared `object`. */
export function fileOf(object: protobuf.ReflectionObject): string | null {
  for (let current: protobuf.ReflectionObject | null = object; current; current = current.parent) {
    if (current.filename) return current.filename;
  }
  return null;
}

/** The 1-based line of the first match of `pattern` in `file`, if any: reflection objects carry no positions. */
export function lineOf(file: string, pattern: RegExp): number | null {
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((line) => pattern.test(line));
    return index === -1 ? null : index + 1;
  } catch {
    return null;
  }
}
