import { describe, expect, it } from 'vitest';
import { BeckonError } from '../errors.ts';
import { Settlement } from './settlement.ts';

const ok = { ok: true as const, seq: 1, at: 1 };
const failed = (seq: number) => ({ ok: false as const, seq, error: new BeckonError('delivery-failed', `lost ${seq}`) });

describe('Settlement', () => {
  it('makes no promise until one is asked for, and gives the outcome to one asked for late', async () => {
    const settlement = new Settlement();
    settlement.settle(ok);
    settlement.settle(failed(2));
    expect(await settlement.promise).toBe(ok);
  });

  it('resolves a promise asked for early, and calls every listener once, at once if already settled', async () => {
    const settlement = new Settlement();
    const promise = settlement.promise;
    const heard: string[] = [];
    settlement.onSettled(() => heard.push('first'));
    settlement.onSettled(() => heard.push('second'));
    settlement.settle(ok);
    settlement.settle(ok);
    settlement.onSettled(() => heard.push('late'));
    expect(heard).toEqual(['first', 'second', 'late']);
    expect(await promise).toBe(ok);
  });

  it('settles all with the first failure in the parts’ order, whatever order they settle in', async () => {
    const parts = [new Settlement(), new Settlement(), new Settlement()];
    const all = Settlement.all(parts);
    parts[2]!.settle(failed(3));
    parts[0]!.settle(ok);
    expect(all.result).toBeUndefined();
    parts[1]!.settle(failed(2));
    expect((await all.promise).seq).toBe(2);
    expect((await Settlement.all([]).promise).ok).toBe(true);
  });
});
