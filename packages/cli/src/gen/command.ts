import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LongsAs } from './fields.ts';
import type { Target } from './generate.ts';
import { generate, GenError } from './generate.ts';

const usage = `Usage: beckon gen <file.proto...> --out <dir> [--target ts|js] [--longs bigint|string]
                  [--runtime @beckon/core] [--proto-path dir]...

Writes one module per .proto file (foo.proto → <dir>/foo.ts) with, for each message, an interface, a
MessageType with its own static encoder and decoder (no eval: runs under a strict Content-Security-Policy),
and the lane and policy from the (beckon.*) options; a const per enum.
  --out <dir>          where to write the modules (created if missing)
  --target ts|js       ts (default): TypeScript modules; js: JavaScript modules plus .d.ts declarations
  --longs bigint|string  how 64-bit integers appear (default bigint; both exact)
  --runtime <module>   module the generated code imports its runtime from (default @beckon/core)
  --proto-path <dir>   dir to search for imports; repeatable (the input files' dirs are always searched)
  (-I <dir> is the same as --proto-path <dir>)`;

interface GenArgs {
  readonly files: string[];
  readonly out: string;
  readonly runtime: string;
  readonly protoPaths: string[];
  readonly target: Target;
  readonly longs: LongsAs;
}

function parseArgs(argv: readonly string[]): GenArgs | string {
  const files: string[] = [];
  const protoPaths: string[] = [];
  let out: string | undefined;
  let runtime = '@beckon/core';
  let target: Target = 'ts';
  let longs: LongsAs = 'bigint';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inlineValue ?? argv[++i];
    switch (flag) {
      case '--out':
      case '-o': {
        out = value();
        if (!out) return `${flag} needs a dir`;
        break;
      }
      case '--runtime': {
        const given = value();
        if (!given) return '--runtime needs a module specifier';
        runtime = given;
        break;
      }
      case '--target': {
        const given = value();
        if (given !== 'ts' && given !== 'js') return '--target must be ts or js';
        target = given;
        break;
      }
      case '--longs': {
        const given = value();
        if (given !== 'bigint' && given !== 'string') return '--longs must be bigint or string';
        longs = given;
        break;
      }
      case '--proto-path':
      case '-I': {
        const dir = value();
        if (!dir) return `${flag} needs a dir`;
        protoPaths.push(dir);
        break;
      }
      default:
        if (arg.startsWith('-')) return `unknown option ${arg}`;
        if (!files.includes(arg)) files.push(arg);
    }
  }
  if (files.length === 0) return 'no .proto files given';
  if (out === undefined) return '--out <dir> is required';
  return { files, out, runtime, protoPaths, target, longs };
}

/** `beckon gen`: resolves to the exit code; problems go to stderr, one summary line per file to stdout. */
export async function genCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`beckon gen: ${args}\n${usage}`);
    return 1;
  }
  let outputs: Map<string, string>;
  try {
    outputs = generate({
      files: args.files,
      runtime: args.runtime,
      protoPaths: args.protoPaths,
      target: args.target,
      longs: args.longs,
      warn: (message) => console.error(`beckon gen: warning: ${message}`),
    });
  } catch (error) {
    if (error instanceof GenError) {
      console.error(`beckon gen: ${error.message}`);
      return 1;
    }
    throw error;
  }
  mkdirSync(args.out, { recursive: true });
  const perFile = args.target === 'js' ? 2 : 1;
  for (const [index, [name, source]] of [...outputs].entries()) {
    const target = path.join(args.out, name);
    const types = source.match(/^export (?:declare )?const \w+(?:: MessageType<| = defineMessage\()/gm)?.length ?? 0;
    // Leaving identical files alone keeps dev servers from reloading for nothing.
    const unchanged = readIfExists(target) === source;
    if (!unchanged) writeFileSync(target, source);
    console.log(`${unchanged ? 'unchanged' : 'wrote'} ${target} from ${args.files[Math.floor(index / perFile)]} (${types} message type${types === 1 ? '' : 's'})`);
  }
  return 0;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
