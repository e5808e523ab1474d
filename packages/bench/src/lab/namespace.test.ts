import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { BenchContext } from '../harness/types.ts';
import { conditionArgs } from './conditions.ts';
import { canIsolate, runInLab } from './namespace.ts';

function recorder(): BenchContext & { progress: BenchContext['progress']; events: string[] } {
  const events: string[] = [];
  return {
    quick: true,
    events,
    progress: (done, total, label) => events.push(`${done}/${total} ${label}`),
    log: (message) => events.push(message),
  };
}

describe('runInLab', () => {
  it('runs a task in a child process, relaying progress, logs and the result', async () => {
    const ctx = recorder();
    const run = await runInLab<{ steps: number }, { interfaces: string[] }>(ctx, 'lab/test-task.ts', 'describeNetwork', { steps: 3 }, 60_000);
    expect(ctx.events).toContain('3/3 step');
    expect(ctx.events).toContain('hello from the lab');
    expect(run.isolated).toBe(canIsolate());
    if (run.isolated) {
      // A namespace of its own: only loopback, whatever the host has.
      expect(run.result.interfaces).toEqual(['lo']);
    } else {
      expect(run.result.interfaces).toEqual(Object.keys(networkInterfaces()).sort());
    }
  }, 60_000);

  it('never loses a large result: the child waits for its output to drain, the parent for the pipe to close', async () => {
    const items = 400_000;
    const run = await runInLab<{ items: number }, { samples: number[] }>(recorder(), 'lab/test-task.ts', 'largeResult', { items }, 60_000);
    expect(run.result.samples.length).toBe(items);
    expect(run.result.samples[items - 1]).toBe(items - 1 + 0.123456789);
  }, 60_000);

  it('rejects with the task error', async () => {
    await expect(runInLab(recorder(), 'lab/test-task.ts', 'fail', null, 60_000)).rejects.toThrow(/task failed on purpose/);
  }, 60_000);
});

describe('conditionArgs', () => {
  it('passes a child the parent’s resolve conditions in either spelling, and nothing else', () => {
    expect(conditionArgs(['--conditions=source', '--import', 'tsx'])).toEqual(['--conditions=source']);
    expect(conditionArgs(['--conditions', 'source', '--no-warnings'])).toEqual(['--conditions=source']);
    expect(conditionArgs(['-C', 'source'])).toEqual(['--conditions=source']);
    expect(conditionArgs(['-C=source'])).toEqual(['--conditions=source']);
    expect(conditionArgs(['--import', 'tsx'])).toEqual([]);
  });
});
