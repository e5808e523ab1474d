import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Peak memory above the level before a transfer, in bytes, on each end. */
export interface MemoryPeaks {
  readonly sender: number;
  readonly receiver: number;
}

/** Samples memory during one transfer: `start` takes the baseline, the function it returns stops and gives the peaks. */
export interface MemoryProbe {
  start(): Promise<() => Promise<MemoryPeaks>>;
}

/** A full collection, so the baseline is not inflated by the previous variant's garbage. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

const inUse = (): number => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/**
 * Both Node peers run in this process: one figure (JS heap + ArrayBuffers, sampled every 5 ms) stands for both ends,
 * reported as the sender's and the receiver's alike.
 */
export const nodeMemoryProbe: MemoryProbe = {
  async start() {
    collect();
    const base = inUse();
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, inUse());
    }, 5);
    return async () => {
      clearInterval(timer);
      peak = Math.max(peak, inUse());
      return { sender: peak - base, receiver: peak - base };
    };
  },
};
