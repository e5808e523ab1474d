import path from 'node:path';
import protobuf from 'protobufjs';
import { emitJavaScript } from './emit-js.ts';
import type { LongsAs } from './fields.ts';
import { fieldsOf } from './fields.ts';
import { allDefinitions, displayPath, fileOf, GenError, loadRoot } from './load.ts';
import { ModuleWriter } from './module-writer.ts';
import type { Definition } from './names.ts';
import { allocate, qualifiedName, relativeName } from './names.ts';
import type { Settings } from './options.ts';
import { checkTypeIds, settingsOf } from './options.ts';

export { GenError } from './load.ts';

export type Target = 'ts' | 'js';

export interface GenerateOptions {
  /** The .proto files to generate, one module each. Relative paths are resolved against the working dir. */
  readonly files: readonly string[];
  /** Module specifier the generated code imports its runtime (`defineMessage`, Reader/Writer helpers) from. */
  readonly runtime?: string;
  /** Dirs searched for imports, before the input files' dirs and the bundled `protos/`. */
  readonly protoPaths?: readonly string[];
  /** Paths in headers and errors are shown relative to this dir (default: the working dir). */
  readonly baseDir?: string;
  /** What the header tells readers to do instead of editing, e.g. "run `pnpm gen`". */
  readonly regenerate?: string;
  /** `ts` (default): one `.ts` module per file; `js`: a `.js` module and its `.d.ts`. */
  readonly target?: Target;
  /** 64-bit integers as `bigint` (default, exact) or as decimal `string`s. */
  readonly longs?: LongsAs;
  /** Called with each warning (a deprecated option name); default: ignored. */
  readonly warn?: (message: string) => void;
}

/** What `generateFromRoot` needs besides the parsed schema: the same options, without the file loading ones. */
export type RootOptions = Omit<GenerateOptions, 'files' | 'protoPaths'>;

/** The module name (without extension) for a .proto file: `protos/examples/sensors.proto` → `sensors`. */
export function moduleName(protoFile: string): string {
  return path.basename(protoFile).replace(/\.proto$/, '');
}

/** The output file name of a .proto file's TypeScript module: `sensors.proto` → `sensors.ts`. */
export function outputName(protoFile: string): string {
  return `${moduleName(protoFile)}.ts`;
}

/**
 * Generates one module per input .proto file: message interfaces, enum consts and a `MessageType` per message
 * with its own static encoder and decoder. Reads the files but writes nothing. Returns output file name →
 * source, in input order (for `js`: `x.js` then `x.d.ts` per file). Throws `GenError` on bad input.
 */
export function generate(options: GenerateOptions): Map<string, string> {
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const files = [...new Set(options.files.map((file) => path.resolve(file)))];
  if (files.length === 0) throw new GenError('no .proto files given');
  checkOutputClash(files, baseDir);
  const root = loadRoot({ files, protoPaths: options.protoPaths ?? [], baseDir });
  return generateFromRoot(root, files, { ...options, baseDir });
}

function checkOutputClash(files: readonly string[], baseDir: string): void {
  for (const file of files) {
    const clash = files.find((other) => other !== file && moduleName(other) === moduleName(file));
    if (clash) {
      throw new GenError(`${displayPath(file, baseDir)} and ${displayPath(clash, baseDir)} would both generate ${outputName(file)}`);
    }
  }
}

/** Generates `files` (as named by the definitions' `filename`) from an already resolved root: the protoc plugin's way in. */
export function generateFromRoot(root: protobuf.Root, files: readonly string[], options: RootOptions): Map<string, string> {
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const runtime = options.runtime ?? '@beckon/core';
  const regenerate = options.regenerate ?? 'run `beckon gen`';
  const target = options.target ?? 'ts';
  const warn = options.warn ?? ((): void => undefined);
  checkOutputClash(files, baseDir);
  const outputs = new Map(files.map((file) => [file, moduleName(file)]));
  const definitions = allDefinitions(root);
  checkTypeIds(root, baseDir);

  const localsByFile = new Map<string, Definition[]>();
  const exportedNames = new Map<Definition, string>();
  const settings = new Map<protobuf.Type, Settings>();
  for (const file of files) {
    const locals = definitions.filter((definition) => fileOf(definition) === file);
    localsByFile.set(file, locals);
    const taken = new Set<string>();
    for (const local of locals) exportedNames.set(local, allocate(taken, [relativeName(local), qualifiedName(local)]));
    for (const type of locals) {
      if (!(type instanceof protobuf.Type)) continue;
      settings.set(type, settingsOf(type, baseDir, warn));
      try {
        fieldsOf(type); // fails early, naming the file and field, on what the printers cannot express
      } catch (error) {
        if (!(error instanceof GenError)) throw error;
        throw new GenError(`${displayPath(file, baseDir)}: ${error.message}`);
      }
    }
  }

  const result = new Map<string, string>();
  for (const file of files) {
    const module = new ModuleWriter(file, localsByFile.get(file) ?? [], {
      exportedNames,
      outputs,
      runtime,
      longs: options.longs ?? 'bigint',
      importExtension: target === 'js' ? '.js' : '.ts',
      settings,
      header: `// @generated by \`beckon gen\` from ${displayPath(file, baseDir)}. Do not edit: ${regenerate}.`,
    });
    const source = module.print();
    const name = moduleName(file);
    if (target === 'js') {
      const emitted = emitJavaScript(source, `${name}.ts`);
      result.set(`${name}.js`, emitted.js);
      result.set(`${name}.d.ts`, emitted.dts);
    } else {
      result.set(`${name}.ts`, source);
    }
  }
  return result;
}
