import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from './coalesce.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Coalescer', () => {
  it('sends the first change at the end of its task, then at most one flush per interval with every part marked', async () => {
    const flushes: string[][] = [];
    const coalescer = new Coalescer<'a' | 'b'>(50, (parts) => flushes.push([...parts].sort()));
    coalescer.mark('a');
    coalescer.mark('b');
    expect(flushes).toEqual([]);
    await Promise.resolve();
    expect(flushes).toEqual([['a', 'b']]);

    // Changes within 50 ms of that flush wait for the interval, and go out together.
    vi.advanceTimersByTime(10);
    coalescer.mark('a');
    vi.advanceTimersByTime(20);
    coalescer.mark('b');
    coalescer.mark('a');
    await Promise.resolve();
    vi.advanceTimersByTime(19);
    expect(flushes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(flushes).toEqual([['a', 'b'], ['a', 'b']]);

    // A burst right after: one more flush, 50 ms later.
    for (let i = 0; i < 10; i++) {
      coalescer.mark('a');
      vi.advanceTimersByTime(4);
    }
    expect(flushes).toHaveLength(2);
    vi.advanceTimersByTime(10);
    expect(flushes).toHaveLength(3);

    // After a quiet spell, at once again.
    vi.advanceTimersByTime(200);
    coalescer.mark('b');
    await Promise.resolve();
    expect(flushes.at(-1)).toEqual(['b']);
    expect(flushes).toHaveLength(4);
    coalescer.dispose();
  });

  it('flushes pending changes on demand and forgets them on dispose', () => {
    const flushes: string[][] = [];
    const coalescer = new Coalescer<'a'>(50, (parts) => flushes.push([...parts]));
    coalescer.mark('a');
    coalescer.flush();
    expect(flushes).toEqual([['a']]);
    coalescer.mark('a');
    coalescer.dispose();
    vi.advanceTimersByTime(100);
    expect(flushes).toEqual([['a']]);
  });
});
