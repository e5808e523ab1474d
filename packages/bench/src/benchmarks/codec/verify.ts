import type { Format } from './formats.ts';
import type { MessageKind } from './messages.ts';

/** Where `actual` differs from `expected`, or undefined. Bytes compare by content, whatever their container. */
export function difference(expected: unknown, actual: unknown, path = 'value', tolerance = 0): string | undefined {
  if (expected instanceof Uint8Array) {
    const bytes = ArrayBuffer.isView(actual)
      ? new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength)
      : actual instanceof ArrayBuffer
        ? new Uint8Array(actual)
        : undefined;
    if (!bytes) return `${path}: expected bytes, got ${typeof actual}`;
    if (bytes.length !== expected.length) return `${path}: expected ${expected.length} bytes, got ${bytes.length}`;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== expected[i]) return `${path}[${i}]: bytes differ`;
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const diff = difference(expected[i], actual[i], `${path}[${i}]`, tolerance);
      if (diff) return diff;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return `${path}: expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      const diff = difference(value, (actual as Record<string, unknown>)[key], `${path}.${key}`, tolerance);
      if (diff) return diff;
    }
    return undefined;
  }
  if (tolerance > 0 && typeof expected === 'number' && typeof actual === 'number' && Math.abs(expected - actual) <= tolerance * (1 + 1e-9)) return undefined;
  return Object.is(expected, actual) ? undefined : `${path}: expected ${String(expected)}, got ${String(actual)}`;
}

/** Throws unless every format decodes every sample back to an equal value of the right kind. */
export function verifyRoundTrips(formats: readonly Format[], kinds: readonly MessageKind[], samples: ReadonlyMap<string, readonly Record<string, unknown>[]>): void {
  for (const format of formats) {
    for (const kind of kinds) {
      for (const [i, value] of (samples.get(kind.key) ?? []).entries()) {
        const decoded = format.decode(format.encode(kind, value));
        if (decoded.kind !== kind.key) throw new Error(`${format.label}: ${kind.key} sample ${i} decoded as ${decoded.kind}`);
        const diff = difference(value, decoded.value, 'value', format.floatTolerance ?? 0);
        if (diff) throw new Error(`${format.label}: ${kind.key} sample ${i} does not round-trip: ${diff}`);
        if (!Number.isFinite(kind.touch(decoded.value))) throw new Error(`${format.label}: ${kind.key} sample ${i}: touched field is not a number`);
      }
    }
  }
}
