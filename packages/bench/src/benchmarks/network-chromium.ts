import type { Benchmark } from '../harness/types.ts';
import { runInLab } from '../lab/namespace.ts';
import type { OverheadInput, OverheadResult } from '../lab/tasks/overhead.ts';
import { overheadReport } from './network-overhead.ts';

// 20 rounds of 500: 10,000 round trips per system and lane behind every pooled tail figure.
const full: OverheadInput = { rttRounds: 20, pingsPerRound: 500, bulkRounds: 5, bulkBytes: 50 * 1024 * 1024 };
const quick: OverheadInput = { rttRounds: 2, pingsPerRound: 50, bulkRounds: 1, bulkBytes: 8 * 1024 * 1024 };

export const networkChromium: Benchmark = {
  name: 'network-chromium',
  title: 'Beckon vs raw data channels vs PeerJS (two pages in headless Chromium)',
  description:
    'The same round trips and bulk transfer as the Node comparison, between two pages of headless Debian Chromium (separate ' +
    'browser contexts) driven by playwright, inside a loopback-only network namespace made for the run. The page is bundled by ' +
    'vite from packages/bench/browser and uses @beckon/core and @beckon/peerjs against a real PeerServer (`startServer`), which ' +
    'also serves it. Times are taken inside the driver page; Chromium coarsens `performance.now()` to 0.1 ms in pages that are ' +
    'not cross-origin isolated, so sub-millisecond round trips are quantised to 0.1 ms.',
  needs: ['network-lab', 'browser'],
  async run(ctx) {
    const input = ctx.quick ? quick : full;
    const { result, isolated } = await runInLab<OverheadInput, OverheadResult & { chromium: string }>(
      ctx,
      'lab/tasks/chromium.ts',
      'overheadChromium',
      input,
      600_000,
    );
    return overheadReport(result, input, `Chromium ${result.chromium}`, isolated);
  },
};
