// Beckon's Writer writes exactly what protobufjs's Writer writes, including the cases that move bytes: lengths that
// need more than one byte, nested messages inside nested messages, and text that is not ASCII.
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { Writer } from './writer.ts';

type Step = (w: { [method: string]: (...args: never[]) => unknown }) => void;

function both(steps: Step[]): [number[], number[]] {
  const ours = Writer.create() as unknown as { [method: string]: (...args: never[]) => unknown; finish(): Uint8Array };
  const theirs = protobuf.Writer.create() as unknown as { [method: string]: (...args: never[]) => unknown; finish(): Uint8Array };
  for (const step of steps) {
    step(ours);
    step(theirs);
  }
  return [Array.from(ours.finish()), Array.from(theirs.finish())];
}

const call = (method: string, ...args: unknown[]): Step => (w) => (w[method] as (...a: unknown[]) => unknown)(...args);

describe('Writer', () => {
  it('matches protobufjs on every scalar method', () => {
    const steps = [
      call('uint32', 0), call('uint32', 300), call('uint32', 4294967295), call('int32', -1), call('int32', -2147483648),
      call('int32', 5), call('sint32', -3), call('sint32', 2147483647), call('fixed32', 4294967295), call('sfixed32', -2),
      call('float', 1.5), call('double', -1e300), call('double', Number.NaN), call('bool', true), call('bool', false),
      call('int64', { low: -1, high: -1 }), call('uint64', { low: 0, high: 1 }), call('sint64', { low: -5, high: -1 }),
      call('sint64', { low: 0, high: 0x40000000 }), call('fixed64', { low: 1, high: -1 }), call('sfixed64', { low: 7, high: 0 }),
      call('bytes', Uint8Array.of(1, 2, 3)), call('bytes', new Uint8Array(0)), call('bytes', new Uint8Array(300).fill(9)),
    ];
    const [ours, theirs] = both(steps);
    expect(ours).toEqual(theirs);
  });

  it('matches protobufjs on text of every length and script', () => {
    for (const text of ['', 'a', 'x'.repeat(127), 'x'.repeat(128), 'é'.repeat(50), '日本'.repeat(30), '🎉'.repeat(40), 'a🎉'.repeat(3000), 'mixed ascii then é']) {
      const [ours, theirs] = both([call('string', text), call('uint32', 1)]);
      expect(ours, text.slice(0, 20)).toEqual(theirs);
    }
  });

  it('matches protobufjs on nested messages whose lengths need more than one byte', () => {
    const nested: Step[] = [
      call('uint32', 10), call('fork'),
      call('uint32', 18), call('fork'), call('bytes', new Uint8Array(200).fill(1)), call('ldelim'),
      call('uint32', 26), call('fork'), call('string', 'z'.repeat(20_000)), call('ldelim'),
      call('uint32', 34), call('fork'), call('ldelim'),
      call('ldelim'),
      call('uint32', 42), call('fork'), call('uint32', 1), call('ldelim'),
    ];
    const [ours, theirs] = both(nested);
    expect(ours).toEqual(theirs);
  });

  it('gives each finished message its own bytes, even when writers overlap', () => {
    const a = Writer.create().uint32(1);
    const b = Writer.create().uint32(2);
    const first = a.uint32(3).finish();
    const second = b.uint32(4).finish();
    const third = Writer.create().uint32(5).finish();
    expect([Array.from(first), Array.from(second), Array.from(third)]).toEqual([[1, 3], [2, 4], [5]]);
  });
});
