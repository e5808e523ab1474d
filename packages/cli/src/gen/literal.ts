/** Width the printer aims for; a value that fits on one line within it is printed inline. */
const maxWidth = 110;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A single-quoted TypeScript string literal. */
export function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return identifier.test(key) ? key : quote(key);
}

/**
 * Prints JSON-like data as a TypeScript literal: 2-space indent, single quotes, trailing commas, and
 * small objects kept on one line, so the embedded descriptors read like hand-written code.
 */
export function printLiteral(value: unknown, indent = 0): string {
  const inline = printInline(value);
  if (inline !== null && indent + inline.length <= maxWidth) return inline;
  const pad = '  '.repeat(indent + 1);
  const end = '  '.repeat(indent);
  if (Array.isArray(value)) {
    const items = value.map((item) => `${pad}${printLiteral(item, indent + 1)},`);
    return `[\n${items.join('\n')}\n${end}]`;
  }
  if (isRecord(value)) {
    const entries = definedEntries(value).map(([key, item]) => {
      const prefix = `${propertyKey(key)}: `;
      return `${pad}${prefix}${printLiteral(item, indent + 1)},`;
    });
    return `{\n${entries.join('\n')}\n${end}}`;
  }
  return inline ?? 'null';
}

function printInline(value: unknown): string | null {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      throw new TypeError(`cannot print ${typeof value} as a literal`);
  }
  if (Array.isArray(value)) {
    const items = value.map(printInline);
    return items.length === 0 ? '[]' : `[${items.join(', ')}]`;
  }
  if (!isRecord(value)) throw new TypeError('cannot print a non-plain object as a literal');
  const entries = definedEntries(value).map(([key, item]) => `${propertyKey(key)}: ${printInline(item)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, item]) => item !== undefined);
}
