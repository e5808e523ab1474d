import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { LaneName } from '@beckon/core';
import { chromiumArgs, chromiumPath } from '../../../../../scripts/chromium.ts';
import type { LabReporter } from '../namespace.ts';
import { profiles } from '../profiles.ts';
import { ImpairedRelay } from '../relay.ts';
import { settleMs, summarizeSlices } from './lanes.ts';
import type { LaneRow, LanesInput, Slice } from './lanes.ts';
import { pageConditions } from '../conditions.ts';

const pageRoot = fileURLToPath(new URL('../../../browser/', import.meta.url));

/**
 * Lanes under loss between two pages of headless Chromium: the host page streams state at `hz` on each lane, the
 * member page records each message's latency, and the lab's relay (in Node) sits between them — each page's remote
 * descriptions and candidates are rewritten through functions Playwright exposes to the page.
 */
export async function lanesUnderLossChromium(input: LanesInput, reporter: LabReporter): Promise<{ rows: LaneRow[]; chromium: string }> {
  const { build, defaultClientConditions } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'beckon-bench-lanes-'));
  await build({ root: pageRoot, logLevel: 'warn', resolve: { conditions: pageConditions(defaultClientConditions) }, build: { outDir, emptyOutDir: true, target: 'es2022', minify: false } });
  const server = await startServer({ port: 0, statics: [outDir] });
  const { chromium } = await import('playwright');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  let relay = new ImpairedRelay();
  const rows: LaneRow[] = [];
  try {
    const url = `${server.url}/index.html?path=${encodeURIComponent(server.path)}`;
    const open = async () => {
      const context = await browser.newContext();
      // The relay of the moment: each profile gets a fresh one.
      await context.exposeFunction('__labRewriteSdp', (sdp: string) => relay.rewriteSdp(sdp));
      await context.exposeFunction('__labRewriteCandidate', async (candidate: string) => (await relay.rewriteCandidate(candidate)) ?? null);
      const page = await context.newPage();
      page.on('pageerror', (error) => reporter.log(`page error: ${error.message}`));
      await page.goto(url);
      await page.waitForFunction(() => 'beckonBench' in globalThis);
      return page;
    };
    const hostPage = await open();
    const memberPage = await open();
    type Page = typeof hostPage;
    const call = (page: Page, method: string, ...args: unknown[]): Promise<unknown> =>
      page.evaluate(([m, a]) => {
        const api = (globalThis as unknown as { beckonBench: Record<string, (...x: unknown[]) => unknown> }).beckonBench;
        return api[m as string]!(...(a as unknown[]));
      }, [method, args] as const);

    for (const [p, profile] of profiles.entries()) {
      relay = new ImpairedRelay();
      // Connect over the clean relay, then impair (as the Node benchmark does).
      await Promise.all([call(hostPage, 'relay', true), call(memberPage, 'relay', true)]);
      const hostId = (await call(hostPage, 'lanesHost', `lanes-page-host-${p}`)) as string;
      await call(memberPage, 'lanesMember', hostId);
      await Promise.all([call(hostPage, 'relay', false), call(memberPage, 'relay', false)]);
      relay.impairment = profile.impairment;
      try {
        const slices = Object.fromEntries(input.lanes.map((lane) => [lane, [] as Slice[]])) as Record<LaneName, Slice[]>;
        for (let round = 0; round < input.rounds; round++) {
          const order = input.lanes.map((_, i) => input.lanes[(i + round) % input.lanes.length] as LaneName);
          for (const lane of order) {
            const count = Math.round(input.sliceSeconds * input.hz);
            await call(memberPage, 'expect', lane);
            const before = { ...relay.stats };
            await call(hostPage, 'lanesStream', lane, count, input.hz, input.stateBytes);
            await new Promise((resolve) => setTimeout(resolve, settleMs));
            const latencies = (await call(memberPage, 'take')) as number[];
            slices[lane].push({
              sent: count,
              latencies,
              relayDropped: relay.stats.dropped - before.dropped,
              relayReceived: relay.stats.received - before.received,
              maxLoopLagMs: Number.NaN,
            });
          }
          reporter.progress(p * input.rounds + round + 1, profiles.length * input.rounds, `${profile.key}, round ${round + 1}`);
        }
        for (const lane of input.lanes) rows.push(summarizeSlices(profile.key, profile.label, lane, slices[lane]));
      } finally {
        await Promise.all([call(memberPage, 'lanesClose'), call(hostPage, 'lanesClose')]);
        await relay.close();
      }
    }
    return { rows, chromium: browser.version() };
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
