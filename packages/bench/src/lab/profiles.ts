import type { Impairment } from './relay.ts';

/** A named network condition between two peers, applied by the lab's relay. */
export interface NetworkProfile {
  readonly key: string;
  readonly label: string;
  readonly impairment: Impairment;
}

/**
 * The lab's profiles. Delay is one way (so 25 ms adds ~50 ms of round trip); loss applies to each packet in
 * each direction. The outage profile drops everything for 250 ms once every 2 s, on top of the 25 ms link.
 */
export const profiles: readonly NetworkProfile[] = [
  { key: 'clean', label: 'clean (relay, no impairment)', impairment: { delayMs: 0, jitterMs: 0, loss: 0 } },
  { key: 'delay25', label: '25 ms ± 2 ms', impairment: { delayMs: 25, jitterMs: 2, loss: 0 } },
  { key: 'delay25-loss5', label: '25 ms ± 2 ms + 5% loss', impairment: { delayMs: 25, jitterMs: 2, loss: 0.05 } },
  {
    key: 'outage250',
    label: '25 ms + 250 ms outage every 2 s',
    impairment: { delayMs: 25, jitterMs: 2, loss: 0, outage: { durationMs: 250, periodMs: 2000 } },
  },
];

export function profile(key: string): NetworkProfile {
  const found = profiles.find((p) => p.key === key);
  if (found === undefined) throw new Error(`unknown network profile ${key}`);
  return found;
}
