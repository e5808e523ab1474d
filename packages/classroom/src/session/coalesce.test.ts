import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalesce.ts';

describe('Coalescer', () => {
  it('sends the first change at once, then at most one flush per interval with every part marked', async () => {
    const flushes: { at: number; parts: string[] }[] = [];
    const coalescer = new Coalescer<'a' | 'b'>(50, (parts) => flushes.push({ at: performance.now(), parts: [...parts].sort() }));
    coalescer.mark('a');
    coalescer.mark('b');
    // Same task: nothing yet; at the end of it, one flush with both.
    expect(flushes).toEqual([]);
    await Promise.resolve();
    expect(flushes.map((f) => f.parts)).toEqual([['a', 'b']]);
    // A burst right after: held back, then one flush.
    const start = performance.now();
    for (let i = 0; i < 20; i++) {
      coalescer.mark(i % 2 === 0 ? 'a' : 'b');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const elapsed = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 120));
    const later = flushes.slice(1);
    expect(later.length).toBeGreaterThanOrEqual(1);
    // However slow the machine, never more often than once per 50 ms.
    expect(later.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1);
    for (let i = 1; i < flushes.length; i++) expect(flushes[i]!.at - flushes[i - 1]!.at).toBeGreaterThanOrEqual(49);
    expect(later.at(-1)!.parts).toEqual(expect.arrayContaining(['a']));
    coalescer.dispose();
  });
});
