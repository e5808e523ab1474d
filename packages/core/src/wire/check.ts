// Type checks for generated encoders: each returns the value when it fits the field, else throws EncodeError.
import { EncodeError } from './encode-error.ts';

export function checkInt32(value: unknown, field: string): number {
  if (typeof value === 'number' && (value | 0) === value) return value;
  throw new EncodeError(field, 'int32 (an integer from -2147483648 to 2147483647)', value);
}

export function checkUint32(value: unknown, field: string): number {
  if (typeof value === 'number' && value >>> 0 === value) return value;
  throw new EncodeError(field, 'uint32 (an integer from 0 to 4294967295)', value);
}

export function checkNumber(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  throw new EncodeError(field, 'a number', value);
}

export function checkBool(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new EncodeError(field, 'a boolean', value);
}

export function checkString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  throw new EncodeError(field, 'a string', value);
}

export function checkBytes(value: unknown, field: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new EncodeError(field, 'bytes (a Uint8Array)', value);
}

export function checkArray<T>(value: T, field: string): T {
  if (Array.isArray(value)) return value;
  throw new EncodeError(field, 'an array (repeated field)', value);
}

export function checkObject<T>(value: T, field: string): T {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  throw new EncodeError(field, 'an object (message or map)', value);
}

/** A oneof whose `case` names none of its members. */
export function badCase(value: unknown, field: string, cases: string): never {
  throw new EncodeError(field, `a oneof { case: ${cases} | undefined, value }`, value);
}

/** Map keys arrive as object keys (strings): a 32-bit integer key must spell one. */
export function mapKeyInt32(key: string, field: string, unsigned: boolean): number {
  const value = Number(key);
  return unsigned ? checkUint32(value, `${field}[${key}]`) : checkInt32(value, `${field}[${key}]`);
}

export function mapKeyBool(key: string, field: string): boolean {
  if (key === 'true') return true;
  if (key === 'false') return false;
  throw new EncodeError(`${field}[${key}]`, "a bool map key ('true' or 'false')", key);
}

/** Stores a decoded map entry; a hostile `__proto__` key becomes an own property instead of a new prototype. */
export function setEntry<K extends string | number, V>(map: Record<K, V>, key: K, value: V): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
