import { networkInterfaces } from 'node:os';
import type { LabReporter } from './namespace.ts';

/** A lab task for namespace.test.ts: reports progress and the network interfaces it can see. */
export async function describeNetwork(input: { readonly steps: number }, reporter: LabReporter): Promise<{ interfaces: string[] }> {
  for (let i = 1; i <= input.steps; i++) reporter.progress(i, input.steps, 'step');
  reporter.log('hello from the lab');
  return { interfaces: Object.keys(networkInterfaces()).sort() };
}

export async function fail(): Promise<never> {
  throw new Error('task failed on purpose');
}

/** A result as large as a fan-out run over hundreds of members: several pipe buffers of JSON. */
export async function largeResult(input: { readonly items: number }): Promise<{ samples: number[] }> {
  return { samples: Array.from({ length: input.items }, (_, i) => i + 0.123456789) };
}
