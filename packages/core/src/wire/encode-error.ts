/**
 * Thrown by a generated `encode` when a field holds a value of the wrong JavaScript type (or out of range), instead
 * of silently writing 0 or a rounded number the way reflection codecs did. Names the field and what it expected.
 */
export class EncodeError extends TypeError {
  override readonly name = 'EncodeError';
  /** The field, as `package.Message.field`. */
  readonly field: string;
  /** The protobuf type the field wanted, e.g. `uint32`, `int64`, `bytes`. */
  readonly expected: string;
  readonly actual: unknown;

  constructor(field: string, expected: string, actual: unknown) {
    super(`${field}: expected ${expected}, got ${shown(actual)}`);
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}

function shown(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} (${typeof value})`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
