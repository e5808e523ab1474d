// Nothing in Beckon changes protobufjs for the rest of the app: before v2, importing @beckon/core set
// protobuf.util.Long = undefined globally, so every other protobufjs user lost its 64-bit Long values.
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

describe('protobufjs settings', () => {
  it('are left alone by importing every module of @beckon/core', async () => {
    const before = protobuf.util.Long;
    expect(before).toBe(createRequire(import.meta.url)('long'));
    await import('../index.ts');
    await import('../gen/control.ts');
    expect(protobuf.util.Long).toBe(before);
    // Another app's reflection codec still reads an int64 as a Long.
    const type = protobuf.parse('syntax = "proto3"; message T { int64 n = 1; }').root.lookupType('T');
    const decoded = type.decode(type.encode({ n: '9007199254740993' }).finish()) as unknown as { n: { toString(): string } };
    expect(decoded.n.toString()).toBe('9007199254740993');
  });
});
