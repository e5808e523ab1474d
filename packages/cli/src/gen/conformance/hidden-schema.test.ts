// The hidden-schema check: schemas nobody on the project wrote (random, seeded, with awkward names) must generate
// modules that compile under the strictest settings and agree with protobufjs reflection on the bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageType } from '@beckon/core';
import { generate } from '../generate.ts';
import { comparable, randomMessage, rng, toOracle, type Random } from './shapes.ts';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const schemaModule = path.join(repoRoot, 'packages/core/src/schema.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'beckon-hidden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Names that trip code generators: runtime exports, globals, keywords, the generated functions' locals.
// (`constructor` is left out: protobufjs's parser refuses it as a field name.)
const awkward = ['Object', 'String', 'Date', 'Reader', 'Writer', 'Error', 'Promise', 'MessageType', 'm', 'w', 'r', 'end', 'Map', 'Array', 'Symbol', 'Uint8Array', 'default', 'case', 'value', 'tag', 'length', 'toString', 'hasOwnProperty', 'class', 'new', 'delete', 'x', 'k', 'then'];
const scalarTypes = ['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes'];
const keyTypes = scalarTypes.filter((type) => !['double', 'float', 'bytes'].includes(type));

function pick<T>(next: Random, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** A random valid proto3 file: messages (some nested) referring to each other, enums, maps, oneofs, optionals. */
function randomSchema(seed: number): string {
  const next = rng(seed);
  const used = new Set<string>();
  const name = (prefix: string): string => {
    let candidate = next() < 0.4 ? pick(next, awkward) : `${prefix}${Math.floor(next() * 1000)}`;
    candidate = candidate[0]?.toUpperCase() === candidate[0] || prefix === 'f' ? candidate : candidate;
    while (used.has(candidate)) candidate = `${candidate}_${used.size}`;
    used.add(candidate);
    return candidate;
  };
  const enums = [name('E'), name('E')];
  const messages = [name('M'), name('M'), name('M'), name('M')];
  const nested = `${messages[0]}.${name('Inner')}`;
  const refs = [...messages, nested];
  const lines = [`syntax = "proto3";`, `package hidden.s${seed};`, ''];
  for (const e of enums) lines.push(`enum ${e} {`, `  ${e.toUpperCase()}_ZERO = 0;`, `  ${e.toUpperCase()}_ONE = 1;`, `  ${e.toUpperCase()}_NEG = -5;`, '}');
  const body = (): string[] => {
    const fields: string[] = [];
    const fieldNames = new Set<string>();
    const fieldName = (): string => {
      let candidate = next() < 0.5 ? pick(next, awkward).toLowerCase() : `f${Math.floor(next() * 1000)}`;
      while (fieldNames.has(candidate)) candidate = `${candidate}_${fieldNames.size}`;
      fieldNames.add(candidate);
      return candidate;
    };
    let id = 1;
    const type = (): string => (next() < 0.6 ? pick(next, scalarTypes) : next() < 0.5 ? pick(next, enums) : pick(next, refs));
    const count = 3 + Math.floor(next() * 6);
    for (let i = 0; i < count; i++) {
      const kind = next();
      if (kind < 0.15) fields.push(`  map<${pick(next, keyTypes)}, ${type()}> ${fieldName()} = ${id++};`);
      else if (kind < 0.35) fields.push(`  repeated ${type()} ${fieldName()} = ${id++};`);
      else if (kind < 0.5) fields.push(`  optional ${pick(next, [...scalarTypes, ...enums])} ${fieldName()} = ${id++};`);
      else if (kind < 0.6) {
        fields.push(`  oneof ${fieldName()} {`);
        for (let j = 0; j < 2 + Math.floor(next() * 2); j++) fields.push(`    ${pick(next, [...scalarTypes, ...enums, ...refs])} ${fieldName()} = ${id++};`);
        fields.push('  }');
      } else fields.push(`  ${type()} ${fieldName()} = ${id++};`);
    }
    return fields;
  };
  for (const [index, message] of messages.entries()) {
    lines.push(`message ${message} {`, ...body());
    if (index === 0) lines.push(`  message ${nested.split('.')[1]} {`, ...body().map((line) => `  ${line}`), '  }');
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

const seeds = [1, 2, 3, 4, 5, 6];

describe('hidden schemas', () => {
  const files = seeds.map((seed) => {
    const file = path.join(dir, `hidden${seed}.proto`);
    writeFileSync(file, randomSchema(seed));
    return file;
  });
  const out = generate({ files, runtime: schemaModule, baseDir: dir });
  for (const [name, source] of out) writeFileSync(path.join(dir, name), source);

  it('generate modules that compile under strict TypeScript settings', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [repoRoot] });
    const flags = [
      '--noEmit', '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--verbatimModuleSyntax',
      '--isolatedModules', '--isolatedDeclarations', '--declaration', '--allowImportingTsExtensions', '--skipLibCheck',
      '--noImplicitOverride', '--noImplicitReturns', '--noFallthroughCasesInSwitch', '--noPropertyAccessFromIndexSignature',
      '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2023,dom', '--types', 'node',
      '--typeRoots', path.join(repoRoot, 'node_modules/@types'),
    ];
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, ...flags, ...[...out.keys()].map((name) => path.join(dir, name))], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 60_000);

  it.each(seeds)('schema %i agrees with protobufjs reflection on random messages', async (seed) => {
    const module = (await import(path.join(dir, `hidden${seed}.ts`))) as { messageTypes: readonly MessageType<Record<string, unknown>>[] };
    const root = new protobuf.Root();
    root.loadSync(path.join(dir, `hidden${seed}.proto`));
    root.resolveAll();
    const next = rng(seed * 7919);
    expect(module.messageTypes.length).toBeGreaterThan(0);
    for (const ours of module.messageTypes) {
      const oracle = root.lookupType(ours.name);
      for (let i = 0; i < 40; i++) {
        const message = randomMessage(oracle, next);
        // Bool map keys: protobufjs writes "false" as true (see conformance.test.ts); leave them out here.
        for (const field of oracle.fieldsArray) {
          if (field instanceof protobuf.MapField && field.keyType === 'bool') delete (message[field.name] as Record<string, unknown>)['false'];
        }
        const bytes = ours.encode(message as never);
        expect(Array.from(bytes), `${ours.name} #${i}`).toEqual(Array.from(oracle.encode(toOracle(oracle, message)).finish()));
        expect(comparable(ours.decode(bytes))).toEqual(comparable(message));
      }
    }
  });
});
