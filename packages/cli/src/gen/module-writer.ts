// Writes one generated module: the types a .proto file declares, their static codecs, and what they reference.
import path from 'node:path';
import protobuf from 'protobufjs';
import type { LongsAs } from './fields.ts';
import { wellKnown } from './fields.ts';
import { quote } from './literal.ts';
import { fileOf, fullName } from './load.ts';
import type { Definition } from './names.ts';
import { allocate, compare, qualifiedName, relativeName } from './names.ts';
import type { Settings } from './options.ts';
import type { CodecRefs } from './print-codec.ts';
import { printReader, printWriter } from './print-codec.ts';
import { printEnum, printMessageInterface } from './print-types.ts';

export interface ModuleContext {
  readonly exportedNames: ReadonlyMap<Definition, string>;
  /** .proto file → the module it generates, without extension. */
  readonly outputs: ReadonlyMap<string, string>;
  readonly runtime: string;
  readonly header: string;
  readonly longs: LongsAs;
  /** Extension of sibling imports: `.ts` (TypeScript output) or `.js`. */
  readonly importExtension: string;
  readonly settings: ReadonlyMap<protobuf.Type, Settings>;
}

const typeOnlyRuntime = new Set(['MessageInit', 'MessageType', 'Reader', 'Writer']);

const isMapped = (definition: Definition): boolean => wellKnown[fullName(definition)] !== undefined;

export class ModuleWriter {
  /** The name each definition has inside this module. */
  readonly #bindings = new Map<Definition, string>();
  /** Other generated modules' definitions, imported. */
  readonly #imports = new Map<string, Definition[]>();
  /** Definitions from files not generated in this run: declared here (not as message types) so the module stands alone. */
  readonly #externals: Definition[] = [];
  readonly #runtime = new Set<string>();

  constructor(
    readonly file: string,
    readonly locals: readonly Definition[],
    readonly context: ModuleContext,
  ) {
    const taken = new Set<string>();
    for (const local of locals) {
      const name = context.exportedNames.get(local) ?? relativeName(local);
      taken.add(name);
      this.#bindings.set(local, name);
    }
    for (const definition of this.#referenced()) {
      if (this.#bindings.has(definition)) continue;
      this.#bindings.set(definition, allocate(taken, [relativeName(definition), qualifiedName(definition)]));
      const source = fileOf(definition);
      const output = source === null ? undefined : context.outputs.get(source);
      if (source !== null && output !== undefined && source !== file) {
        this.#imports.set(output, [...(this.#imports.get(output) ?? []), definition]);
      } else {
        this.#externals.push(definition);
      }
    }
  }

  /** What this module's types reference, through externals declared here too, in a stable order. */
  #referenced(): Definition[] {
    const referenced = new Set<Definition>(this.locals);
    const queue = [...this.locals];
    for (let definition = queue.shift(); definition; definition = queue.shift()) {
      if (!(definition instanceof protobuf.Type)) continue;
      const source = fileOf(definition);
      const declaredHere = source === this.file || source === null || !this.context.outputs.has(source);
      if (!declaredHere) continue;
      for (const field of definition.fieldsArray) {
        const resolved = field.resolvedType;
        if ((resolved instanceof protobuf.Type || resolved instanceof protobuf.Enum) && !isMapped(resolved) && !referenced.has(resolved)) {
          referenced.add(resolved);
          queue.push(resolved);
        }
      }
    }
    const localSet = new Set(this.locals);
    const others = [...referenced].filter((definition) => !localSet.has(definition));
    others.sort((a, b) => compare(fullName(a), fullName(b)));
    return [...this.locals, ...others];
  }

  #isImported(definition: Definition): boolean {
    return !this.locals.includes(definition) && !this.#externals.includes(definition);
  }

  #refs(): CodecRefs {
    return {
      longs: this.context.longs,
      typeName: (definition) => this.#bindings.get(definition) ?? relativeName(definition),
      writeFn: (type) => {
        const name = this.#bindings.get(type) ?? relativeName(type);
        return this.#isImported(type) ? `${name}.write` : `write$${name}`;
      },
      readFn: (type) => {
        const name = this.#bindings.get(type) ?? relativeName(type);
        return this.#isImported(type) ? `${name}.read` : `read$${name}`;
      },
      use: (helper) => {
        this.#runtime.add(helper);
        return helper;
      },
    };
  }

  #declaration(definition: Definition, local: boolean): string {
    const refs = this.#refs();
    const name = this.#bindings.get(definition) ?? relativeName(definition);
    if (definition instanceof protobuf.Enum) return printEnum(definition, name);
    const parts = [
      printMessageInterface(definition, name, refs),
      printWriter(definition, name, `write$${name}`, refs),
      printReader(definition, name, `read$${name}`, refs),
    ];
    if (local) {
      const settings = this.context.settings.get(definition);
      refs.use('defineMessage');
      refs.use('MessageType');
      parts.push(
        [
          `export const ${name}: MessageType<${name}> = defineMessage<${name}>({`,
          `  name: ${quote(fullName(definition))},`,
          `  lane: ${quote(settings?.lane ?? 'reliable')},`,
          `  policy: ${quote(settings?.policy ?? 'member-to-host')},`,
          `  maxBytes: ${settings?.maxBytes ?? 0},`,
          `  maxRate: ${settings?.maxRate ?? 0},`,
          `  write: write$${name},`,
          `  read: read$${name},`,
          `});`,
        ].join('\n'),
      );
    }
    return parts.join('\n\n');
  }

  print(): string {
    const blocks: string[] = [];
    for (const local of this.locals) blocks.push(this.#declaration(local, true));
    for (const external of this.#externals) {
      const source = fileOf(external);
      const note = source
        ? `/** From ${path.basename(source)}, which this run does not generate. */`
        : '/** A well-known type bundled with protobufjs. */';
      blocks.push(`${note}\n${this.#declaration(external, false)}`);
    }
    const messages = this.locals.filter((local): local is protobuf.Type => local instanceof protobuf.Type);
    const names = messages.map((message) => this.#bindings.get(message) ?? relativeName(message));
    const tuple = names.map((name) => `typeof ${name}`).join(', ');
    const list = `export const messageTypes: readonly [${tuple}] = [${names.join(', ')}];`;
    blocks.push(
      list.length <= 110
        ? list
        : `export const messageTypes: readonly [\n${names.map((name) => `  typeof ${name},`).join('\n')}\n] = [\n${names.map((name) => `  ${name},`).join('\n')}\n];`,
    );

    const importLines: string[] = [];
    const values = [...this.#runtime].filter((name) => !typeOnlyRuntime.has(name)).sort(compare);
    const types = [...this.#runtime].filter((name) => typeOnlyRuntime.has(name)).sort(compare);
    if (values.length > 0) importLines.push(printImport(values, this.context.runtime, false));
    if (types.length > 0) importLines.push(printImport(types, this.context.runtime, true));
    for (const [output, definitions] of [...this.#imports].sort(([a], [b]) => compare(a, b))) {
      const specifiers = definitions
        .map((definition) => {
          const exported = this.context.exportedNames.get(definition) ?? relativeName(definition);
          const local = this.#bindings.get(definition) ?? exported;
          const named = exported === local ? local : `${exported} as ${local}`;
          return definition instanceof protobuf.Enum ? `type ${named}` : named;
        })
        .sort((a, b) => compare(a.replace(/^type /, ''), b.replace(/^type /, '')));
      const allTypes = specifiers.every((specifier) => specifier.startsWith('type '));
      const from = `./${output}${this.context.importExtension}`;
      importLines.push(
        allTypes ? printImport(specifiers.map((s) => s.slice(5)), from, true) : printImport(specifiers, from, false),
      );
    }
    return `${[[this.context.header, ...importLines].join('\n'), ...blocks].join('\n\n')}\n`;
  }
}

function printImport(names: readonly string[], from: string, typeOnly: boolean): string {
  const head = `import ${typeOnly ? 'type ' : ''}{ `;
  const line = `${head}${names.join(', ')} } from ${quote(from)};`;
  if (line.length <= 110) return line;
  return `import ${typeOnly ? 'type ' : ''}{\n${names.map((name) => `  ${name},`).join('\n')}\n} from ${quote(from)};`;
}
