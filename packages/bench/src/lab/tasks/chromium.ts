import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { LabReporter } from '../namespace.ts';
import type { LaneKind, RttResult, System } from '../pair.ts';
import { systems } from '../pair.ts';
import type { Page } from 'playwright';
import type { MemoryProbe } from '../memory.ts';
import { compareSystems } from './overhead.ts';
import type { DriverHandle, OverheadInput, OverheadResult } from './overhead.ts';
import { chromiumArgs, chromiumPath } from '../../../../../scripts/chromium.ts';
import { pageConditions } from '../conditions.ts';

const pageRoot = fileURLToPath(new URL('../../../browser/', import.meta.url));

interface PageApi {
  responder(system: System, id: string): Promise<string>;
  driver(system: System, responderId: string): Promise<void>;
  rtt(system: System, lane: LaneKind, count: number): Promise<RttResult>;
  bulk(system: System, bytes: number): Promise<number>;
  streamBulk(bytes: number): Promise<number>;
}

/**
 * Memory of the two pages over CDP (`Runtime.getHeapUsage`: the JS heap plus ArrayBuffer backing stores), sampled
 * every 10 ms during a transfer, each page collected first; the driver page sends, the responder page receives.
 */
async function pageMemoryProbe(sender: Page, receiver: Page): Promise<MemoryProbe> {
  const sessions = await Promise.all([sender, receiver].map((page) => page.context().newCDPSession(page)));
  const used = async (session: (typeof sessions)[number]): Promise<number> => {
    const usage = await session.send('Runtime.getHeapUsage');
    return usage.usedSize + (usage.backingStorageSize ?? 0);
  };
  return {
    async start() {
      await Promise.all(sessions.map((session) => session.send('HeapProfiler.collectGarbage')));
      const base = await Promise.all(sessions.map(used));
      const peak = [...base];
      let sampling = true;
      const loop = (async () => {
        while (sampling) {
          const now = await Promise.all(sessions.map(used));
          now.forEach((value, i) => (peak[i] = Math.max(peak[i]!, value)));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      return async () => {
        sampling = false;
        await loop;
        return { sender: peak[0]! - base[0]!, receiver: peak[1]! - base[1]! };
      };
    },
  };
}

/** Bundles packages/bench/browser with vite into a temporary directory. */
async function buildPage(): Promise<string> {
  const { build, defaultClientConditions } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'beckon-bench-page-'));
  await build({ root: pageRoot, logLevel: 'warn', resolve: { conditions: pageConditions(defaultClientConditions) }, build: { outDir, emptyOutDir: true, target: 'es2022', minify: false } });
  return outDir;
}

/**
 * The overhead comparison between two pages of headless Chromium: one page holds each system's responder, the
 * other its driver, in separate browser contexts (separate renderer processes), signalled by a real PeerServer
 * that also serves the bundled page. Timing happens inside the driver page.
 */
export async function overheadChromium(input: OverheadInput, reporter: LabReporter): Promise<OverheadResult & { chromium: string }> {
  const outDir = await buildPage();
  const server = await startServer({ port: 0, statics: [outDir] });
  const { chromium } = await import('playwright');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const url = `${server.url}/index.html?path=${encodeURIComponent(server.path)}`;
    const open = async () => {
      const context = await browser.newContext();
      await context.grantPermissions(['camera', 'microphone']);
      const page = await context.newPage();
      page.on('pageerror', (error) => reporter.log(`page error: ${error.message}`));
      await page.goto(url);
      await page.waitForFunction(() => 'beckonBench' in globalThis);
      return page;
    };
    const responderPage = await open();
    const driverPage = await open();
    const call = <K extends keyof PageApi>(page: typeof driverPage, method: K, ...args: Parameters<PageApi[K]>): Promise<Awaited<ReturnType<PageApi[K]>>> =>
      page.evaluate(
        ([m, a]) => {
          const api = (globalThis as unknown as { beckonBench: Record<string, (...x: unknown[]) => Promise<unknown>> }).beckonBench;
          return (api[m as string] as (...x: unknown[]) => Promise<unknown>)(...(a as unknown[]));
        },
        [method, args] as const,
      ) as Promise<Awaited<ReturnType<PageApi[K]>>>;
    const drivers = {} as Record<System, DriverHandle>;
    for (const system of systems) {
      const id = await call(responderPage, 'responder', system, `page-${system}`);
      await call(driverPage, 'driver', system, id);
      drivers[system] = {
        rtt: (lane, count) => call(driverPage, 'rtt', system, lane, count),
        bulk: (bytes) => call(driverPage, 'bulk', system, bytes),
        ...(system === 'beckon' ? { streamBulk: (bytes: number) => call(driverPage, 'streamBulk', bytes) } : {}),
      };
    }
    reporter.log('pages connected: beckon, raw, peerjs');
    const result = await compareSystems(drivers, input, reporter, await pageMemoryProbe(driverPage, responderPage));
    return { ...result, chromium: browser.version() };
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
