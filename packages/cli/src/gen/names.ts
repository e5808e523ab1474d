import protobuf from 'protobufjs';
import { fullName } from './load.ts';

export type Definition = protobuf.Type | protobuf.Enum;

/** Names the generated code itself uses, plus words that cannot name a TypeScript interface or const. */
export const reservedNames = new Set([
  'MessageType', 'MessageInit', 'messageTypes', 'defineMessage', 'Reader', 'Writer', 'Uint8Array', 'Date', 'Object',
  'String', 'BigInt', 'checkArray', 'checkBool', 'checkBytes', 'checkEnd', 'checkInt32', 'checkNumber', 'checkObject',
  'checkString', 'checkUint32', 'badCase', 'mapKeyBool', 'mapKeyInt32', 'setEntry', 'skipField', 'toInt64',
  'readInt64', 'readUint64', 'readSint64', 'readFixed64', 'readSfixed64', 'writeInt64', 'writeSint64', 'writeFixed64',
  'readString', 'readTimestamp', 'writeTimestamp', 'readDuration', 'writeDuration',
  // The generated functions' own locals: an imported message type is referenced by value inside them.
  'm', 'w', 'r', 'a', 'x', 'k', 'n', 't', 'end', 'stop', 'tag', 'length', 'map', 'RangeError',
  'any', 'unknown', 'never', 'number', 'string', 'boolean', 'symbol', 'bigint', 'object', 'undefined', 'void',
  'null', 'true', 'false', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default',
  'delete', 'do', 'else', 'enum', 'export', 'extends', 'finally', 'for', 'function', 'if', 'import', 'in',
  'instanceof', 'new', 'return', 'super', 'switch', 'this', 'throw', 'try', 'typeof', 'var', 'while', 'with',
  'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await',
  'arguments', 'eval', 'type', 'as', 'of', 'from', 'keyof', 'readonly', 'declare', 'namespace', 'module',
]);

/** The package a definition lives in: its nearest ancestor that is not a message. */
function packageOf(definition: Definition): protobuf.ReflectionObject | null {
  let parent = definition.parent;
  while (parent instanceof protobuf.Type) parent = parent.parent;
  return parent;
}

/** `examples.Reading.Inner` → `Reading_Inner`: the name without its package, nesting joined by `_`. */
export function relativeName(definition: Definition): string {
  const parts = [definition.name];
  for (let parent = definition.parent; parent instanceof protobuf.Type; parent = parent.parent) parts.unshift(parent.name);
  return parts.join('_');
}

/** `examples.Reading.Inner` → `examples_Reading_Inner`: used when the short name is taken. */
export function qualifiedName(definition: Definition): string {
  const pkg = packageOf(definition);
  const prefix = pkg && pkg.parent ? fullName(pkg).replace(/\./g, '_') : '';
  return prefix ? `${prefix}_${relativeName(definition)}` : relativeName(definition);
}

/** The first candidate name not yet taken or reserved (a numbered one if all are); marks it taken. */
export function allocate(taken: Set<string>, candidates: readonly string[]): string {
  const usable = (name: string): boolean => !taken.has(name) && !reservedNames.has(name);
  let chosen = candidates.find(usable);
  if (chosen === undefined) {
    const base = candidates[0] ?? 'Type';
    for (let n = 2; chosen === undefined; n++) if (usable(`${base}_${n}`)) chosen = `${base}_${n}`;
  }
  taken.add(chosen);
  return chosen;
}

export function docComment(comment: string | null, indent: string): string {
  const text = comment?.trim();
  if (!text) return '';
  const lines = text.replace(/\*\//g, '*\\/').split('\n').map((line) => line.trimEnd());
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

/** Plain code-unit order, independent of the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
