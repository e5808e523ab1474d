// Gem Rush's frame budget with software rendering: frames per second of one arena page in Debian Chromium with
// --disable-gpu (WebGL on SwiftShader, as on machines without a usable GPU), at full quality and with the adaptive
// quality, and what drawing does to the netcode on the same page (snapshots received, the longest gap between two).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { Browser, Page } from 'playwright';
import type { Benchmark, BenchResult, Table } from '../harness/types.ts';
import { chromiumArgs, chromiumPath } from '../../../../scripts/chromium.ts';

const demoDir = fileURLToPath(new URL('../../../../demos/arena/', import.meta.url));

interface Measured {
  readonly quality: string;
  readonly level: string;
  readonly software: boolean;
  /** Frames per second of the measured page. */
  readonly fps: number;
  readonly frameP50: number;
  readonly frameP95: number;
  /** Snapshots per second the measured (member) page decoded, and the longest gap between two, ms. */
  readonly snapshotsPerSecond: number;
  readonly longestGapMs: number;
  /** Longest main-thread task the page saw, ms (what delays its timers). */
  readonly longestTaskMs: number;
  /** Players still in the room at the end (of 3). */
  readonly players: number;
  /** The page's own work per frame (its ticker: scene update and Pixi's render), smoothed, ms; the rest is compositing. */
  readonly drawMs: number;
  /** The machine's 1-minute load average during the run (other work on the same two cores). */
  readonly load: number;
}

/** In the page: rAF frame times, snapshot arrival times and long tasks over `ms`. A string: tsx helpers do not exist there. */
const measureScript = (ms: number): string => `(async () => {
  const arena = window.__arena;
  const frames = [];
  let last = performance.now();
  let running = true;
  const tick = (t) => { frames.push(t - last); last = t; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const arrivals = [];
  const client = arena.client;
  const receive = client.receive.bind(client);
  client.receive = (s) => { arrivals.push(performance.now()); receive(s); };
  let longest = 0;
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longest = Math.max(longest, e.duration); });
  try { observer.observe({ type: 'longtask' }); } catch {}
  const start = performance.now();
  await new Promise((r) => setTimeout(r, ${ms}));
  running = false;
  observer.disconnect();
  client.receive = receive;
  const seconds = (performance.now() - start) / 1000;
  const sorted = frames.slice(1).sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  let gap = 0;
  for (let i = 1; i < arrivals.length; i++) gap = Math.max(gap, arrivals[i] - arrivals[i - 1]);
  const quality = arena.quality();
  return { fps: frames.length / seconds, frameP50: q(0.5), frameP95: q(0.95), snapshotsPerSecond: arrivals.length / seconds, longestGapMs: gap,
    longestTaskMs: longest, level: quality.level, software: quality.software, drawMs: quality.drawMs, players: arena.players().length };
})()`;

async function measure(browser: Browser, base: string, quality: string, seconds: number): Promise<Measured> {
  const contexts: { close(): Promise<void> }[] = [];
  const open = async (url: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`arena page error: ${error.message}`));
    await page.goto(url);
    try {
      await page.waitForFunction(() => window.__arena !== undefined, undefined, { timeout: 20_000, polling: 100 });
    } catch (error) {
      throw new Error(`${url} did not start: ${await page.locator('#connection-text').textContent()}`, { cause: error });
    }
    return page;
  };
  try {
    const host = await open(`${base}/arena/?name=Ada&video=off&quality=${quality}`);
    await host.waitForFunction(() => (document.getElementById('invite-link') as HTMLInputElement).value.includes('#join='), undefined, { timeout: 20_000, polling: 100 });
    const link = await host.locator('#invite-link').inputValue();
    const join = link.slice(link.indexOf('#'));
    // At full quality a drawing page starves the others on two cores: only the measured page draws.
    await host.evaluate(() => window.__arena!.setRendering(false));
    // The measured page is a member (it has the network to starve); the other two do not draw, to leave it the CPU.
    const bea = await open(`${base}/arena/?name=Bea&video=off&quality=${quality}${join}`);
    await bea.evaluate(() => window.__arena!.setRendering(false));
    const cy = await open(`${base}/arena/?name=Cy&video=off&quality=${quality}${join}`);
    await cy.evaluate(() => window.__arena!.setRendering(false));
    for (const page of [bea, cy]) await page.waitForFunction(() => (window.__arena?.avatar() ?? 0) > 0, undefined, { timeout: 20_000, polling: 100 });
    // The players move, so trails, names and positions change every frame (the star always does).
    for (const [page, x, y] of [[bea, -0.5, 1], [cy, 0.7, -1]] as const) {
      await page.evaluate(([mx, my]) => {
        let flip = 1;
        setInterval(() => {
          flip = -flip;
          window.__arena?.client?.setControls({ moveX: mx! * flip, moveY: my! * flip });
        }, 1500);
      }, [x, y]);
    }
    await bea.evaluate(() => window.__arena!.setRendering(true));
    // Let the adaptive quality settle first.
    await bea.waitForTimeout(4000);
    const result = (await bea.evaluate(measureScript(seconds * 1000))) as Omit<Measured, 'quality' | 'load'>;
    return { quality, ...result, load: loadavg()[0]! };
  } finally {
    for (const context of contexts) await context.close();
  }
}

const one = (value: number): string => value.toFixed(1);

export const arenaFrames: Benchmark = {
  name: 'arena-frames',
  title: 'Gem Rush frame budget with software rendering (Chromium --disable-gpu)',
  description:
    'Three Gem Rush pages (host and two players, video off) in headless Debian Chromium with --disable-gpu, so WebGL runs on ' +
    'SwiftShader on the CPU; the players move. One player page draws (1440×860); the other two do not, to leave it the CPU. ' +
    'Measured inside that page over the window: frames per second from requestAnimationFrame, frame times, snapshots decoded ' +
    'per second (the host sends 20) and the longest gap between two, the longest main-thread task, and whether all three players ' +
    "are still in the room. 'full' pins the full quality (antialias, additive glows, trails, device resolution); 'auto' is " +
    "the page's default adaptive quality (frame-budget.ts), which starts without the effects on a software renderer and steps down " +
    'further while frames run long. "page work" is the page\'s own share of a frame (its ticker); "load avg" is the ' +
    "machine's 1-minute load average at the end of the run (the cores are shared with other work).",
  needs: ['browser'],
  async run(ctx): Promise<BenchResult> {
    const seconds = ctx.quick ? 4 : 15;
    const distDir = mkdtempSync(path.join(tmpdir(), 'beckon-bench-arena-'));
    const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', distDir, '--emptyOutDir'], { cwd: demoDir, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
    const server = await startServer({ statics: [`/arena=${distDir}`] });
    const { chromium } = await import('playwright');
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    try {
      const runs: Measured[] = [];
      const order = ['full', 'auto'];
      for (const [i, quality] of order.entries()) {
        ctx.progress(i, order.length, `quality ${quality}`);
        runs.push(await measure(browser, server.url, quality, seconds));
      }
      ctx.progress(order.length, order.length, 'done');
      const table: Table = {
        title: `One drawing page, ${seconds} s, Chromium ${browser.version()} --disable-gpu`,
        columns: [
          { label: 'quality' },
          { label: 'level reached' },
          { label: 'frames/s', align: 'right' },
          { label: 'frame p50 ms', align: 'right' },
          { label: 'frame p95 ms', align: 'right' },
          { label: 'page work ms', align: 'right' },
          { label: 'snapshots/s', align: 'right' },
          { label: 'longest snapshot gap ms', align: 'right' },
          { label: 'longest task ms', align: 'right' },
          { label: 'players at end', align: 'right' },
          { label: 'load avg', align: 'right' },
        ],
        rows: runs.map((r) => [r.quality, r.level, one(r.fps), one(r.frameP50), one(r.frameP95), one(r.drawMs), one(r.snapshotsPerSecond), one(r.longestGapMs), one(r.longestTaskMs), `${r.players}/3`, one(r.load)]),
        note: runs[0]?.software === false ? 'WebGL was not a software renderer here: these are not software-rendering figures.' : 'WebGL ran on SwiftShader (software).',
      };
      const auto = runs.find((r) => r.quality === 'auto');
      const full = runs.find((r) => r.quality === 'full');
      return {
        summary: `Adaptive quality: ${one(auto?.fps ?? 0)} frames/s (full quality: ${one(full?.fps ?? 0)}), ${one(auto?.snapshotsPerSecond ?? 0)} snapshots/s, longest gap ${one(auto?.longestGapMs ?? 0)} ms`,
        tables: [table],
        charts: [],
        data: { runs },
      };
    } finally {
      await browser.close();
      await server.close();
      rmSync(distDir, { recursive: true, force: true });
    }
  },
};
