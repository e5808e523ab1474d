// Live video beside the data lanes, in Chromium with the fake camera, on the media lab demo (demos/media-lab):
// how long from a member accepting a stage invite to the first decoded frame of its video elsewhere, and what
// video running on the same machine does to the data lanes' round trip.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { Browser, Page } from 'playwright';
import { formatSummary } from '../harness/format.ts';
import { quantile, summarize } from '../harness/stats.ts';
import type { Summary } from '../harness/stats.ts';
import type { BarChart, Benchmark, BenchResult, Table } from '../harness/types.ts';
import { chromiumArgs, chromiumPath } from '../../../../scripts/chromium.ts';

const demoDir = fileURLToPath(new URL('../../../../demos/media-lab/', import.meta.url));

interface PageApi {
  room: { selfId: string; state: string };
  media: {
    inviteToStage(id: string): void;
    endStage(id: string): void;
    answerInvite(accept: boolean): void;
    invite: unknown;
    remotes: Map<string, unknown>;
    start(): Promise<void>;
    stop(): void;
    receiveStats(id: string): Promise<{ framesDecoded: number } | undefined>;
  };
  ping(count: number, intervalMs: number, lane?: 'reliable' | 'unreliable'): Promise<number[]>;
}
type LabWindow = { __mediaLab?: PageApi; __firstFrame?: Promise<number> };

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const selfId = (page: Page): Promise<string> => page.evaluate(() => (window as unknown as LabWindow).__mediaLab!.room.selfId);

/** Starts watching, in the page, for the first decoded frame from `id`; resolves (in the page) to its wall-clock time. */
function watchFirstFrame(page: Page, id: string): Promise<void> {
  // A string, not a function: tsx's name helpers do not exist in the page.
  return page.evaluate(`(() => {
    const w = window;
    w.__firstFrame = new Promise((resolve) => {
      const poll = async () => {
        const stats = await w.__mediaLab.media.receiveStats(${JSON.stringify(id)});
        if ((stats?.framesDecoded ?? 0) > 0) resolve(performance.timeOrigin + performance.now());
        else setTimeout(poll, 4);
      };
      void poll();
    });
  })()`);
}

async function waitFor(page: Page, check: string, arg: string, timeoutMs = 15_000): Promise<void> {
  await page.waitForFunction(new Function('arg', `const b = window.__mediaLab; return ${check};`) as (arg: string) => boolean, arg, { timeout: timeoutMs, polling: 10 });
}

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly lost: number;
}

async function pingRound(page: Page, count: number, lane: 'reliable' | 'unreliable'): Promise<Latency> {
  const rtts = await page.evaluate(([n, l]) => (window as unknown as LabWindow).__mediaLab!.ping(n, 20, l), [count, lane] as const);
  const sorted = [...rtts].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), lost: count - rtts.length };
}

export const media: Benchmark = {
  name: 'media',
  title: 'Live video beside the data lanes',
  description:
    'Chromium (Debian, `--use-fake-device-for-media-stream`, 640×480 fake camera) runs the media lab demo against a real ' +
    '`beckon serve`: a host (teacher) and two members, each in its own browser context, all on this machine. ' +
    '**Stage accept → first frame**: a member accepts the host\'s stage invite; we time, on the host\'s page and on the other ' +
    'member\'s page, until `getStats()` reports the first decoded frame of its video (polled every 4 ms; the pages share the ' +
    'machine\'s clock). It includes the accept going to the host, the roster coming back, PeerJS signalling, ICE, DTLS and the ' +
    'first key frame. **Data lanes with video**: a member pings the host (20 ms apart) on the reliable and the unreliable lane, ' +
    'with no video, then with the host\'s and a stage member\'s video flowing to everyone (4 media calls), in alternating rounds.',
  needs: ['browser'],
  async run(ctx): Promise<BenchResult> {
    const { chromium } = await import('playwright');
    const stageRounds = ctx.quick ? 2 : 8;
    const latencyRounds = ctx.quick ? 1 : 4;
    const pings = ctx.quick ? 50 : 250;
    const distDir = mkdtempSync(path.join(tmpdir(), 'beckon-bench-media-'));
    const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', distDir, '--emptyOutDir'], { cwd: demoDir, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
    const server = await startServer({ statics: [`/media-lab=${distDir}`] });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      const open = async (url: string, name?: string): Promise<Page> => {
        const page = await (await browser!.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
        await page.goto(url);
        if (name !== undefined) {
          await page.getByLabel('Your name').fill(name);
          await page.getByRole('button', { name: 'Join' }).click();
        }
        await page.waitForFunction(() => (window as unknown as LabWindow).__mediaLab !== undefined, undefined, { timeout: 15_000 });
        return page;
      };
      const host = await open(`${server.url}/media-lab/`);
      const link = await host.locator('#invite-link').inputValue();
      const ada = await open(link, 'Ada');
      const bo = await open(link, 'Bo');
      const [hostId, adaId] = await Promise.all([selfId(host), selfId(ada)]);
      await waitFor(bo, `(async () => ((await b.media.receiveStats(arg))?.framesDecoded ?? 0) > 10)()`, hostId);

      // Stage accept → first decoded frame, on the host and on the other member.
      const toHost: number[] = [];
      const toMember: number[] = [];
      for (let round = 0; round < stageRounds; round++) {
        ctx.progress(round, stageRounds + latencyRounds * 2, 'stage accept → first frame');
        await host.evaluate((id) => (window as unknown as LabWindow).__mediaLab!.media.inviteToStage(id), adaId);
        await waitFor(ada, 'b.media.invite !== undefined', '');
        await Promise.all([watchFirstFrame(host, adaId), watchFirstFrame(bo, adaId)]);
        const acceptedAt = await ada.evaluate(() => {
          const at = performance.timeOrigin + performance.now();
          (window as unknown as LabWindow).__mediaLab!.media.answerInvite(true);
          return at;
        });
        const [hostFrame, memberFrame] = await Promise.all(
          [host, bo].map((page) => page.evaluate(() => Promise.race([(window as unknown as LabWindow).__firstFrame!, new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 15_000))]))),
        );
        if (!Number.isFinite(hostFrame) || !Number.isFinite(memberFrame)) throw new Error('no frame from the stage member within 15 s');
        toHost.push(hostFrame! - acceptedAt);
        toMember.push(memberFrame! - acceptedAt);
        await host.evaluate((id) => (window as unknown as LabWindow).__mediaLab!.media.endStage(id), adaId);
        await Promise.all([host, bo].map((page) => waitFor(page, '!b.media.remotes.has(arg)', adaId)));
      }

      // Data-lane round trips without and with video, alternating.
      const latency: Record<'off' | 'on', Record<'reliable' | 'unreliable', Latency[]>> = {
        off: { reliable: [], unreliable: [] },
        on: { reliable: [], unreliable: [] },
      };
      let step = stageRounds;
      for (let round = 0; round < latencyRounds; round++) {
        for (const video of ['off', 'on'] as const) {
          ctx.progress(step++, stageRounds + latencyRounds * 2, `data lanes, video ${video}`);
          if (video === 'off') {
            await host.evaluate(() => (window as unknown as LabWindow).__mediaLab!.media.stop());
            await Promise.all([ada, bo].map((page) => waitFor(page, 'b.media.remotes.size === 0', '')));
          } else {
            await host.evaluate(() => (window as unknown as LabWindow).__mediaLab!.media.start());
            await host.evaluate((id) => (window as unknown as LabWindow).__mediaLab!.media.inviteToStage(id), adaId);
            await waitFor(ada, 'b.media.invite !== undefined', '');
            await ada.evaluate(() => (window as unknown as LabWindow).__mediaLab!.media.answerInvite(true));
            await waitFor(bo, `(async () => ((await b.media.receiveStats(arg))?.framesDecoded ?? 0) > 30)()`, adaId);
            await waitFor(bo, `(async () => ((await b.media.receiveStats(arg))?.framesDecoded ?? 0) > 30)()`, hostId);
          }
          for (const lane of ['reliable', 'unreliable'] as const) latency[video][lane].push(await pingRound(bo, pings, lane));
          if (video === 'on') {
            await host.evaluate((id) => (window as unknown as LabWindow).__mediaLab!.media.endStage(id), adaId);
          }
        }
      }
      ctx.progress(1, 1, 'done');

      const stageHost = summarize(toHost);
      const stageMember = summarize(toMember);
      const lat = (video: 'off' | 'on', lane: 'reliable' | 'unreliable', key: 'p50' | 'p99'): Summary => summarize(latency[video][lane].map((r) => r[key]));
      const stageTable: Table = {
        title: 'Stage accept → first decoded frame (ms)',
        columns: [{ label: 'Where' }, { label: 'median [p25–p75]', align: 'right' }, { label: 'min', align: 'right' }, { label: 'max', align: 'right' }],
        rows: [
          ['on the host’s page', formatSummary(stageHost, ms), ms(stageHost.min), ms(stageHost.max)],
          ['on another member’s page', formatSummary(stageMember, ms), ms(stageMember.min), ms(stageMember.max)],
        ],
        note: `${stageRounds} rounds: invite, accept, first frame, end stage.`,
      };
      const latencyTable: Table = {
        title: `Data-lane round trip, member → host → member (ms), ${pings} pings 20 ms apart per round`,
        columns: [{ label: 'Lane' }, { label: 'Video' }, { label: 'p50', align: 'right' }, { label: 'p99', align: 'right' }, { label: 'Lost', align: 'right' }],
        rows: (['reliable', 'unreliable'] as const).flatMap((lane) =>
          (['off', 'on'] as const).map((video) => [
            lane,
            video === 'off' ? 'none' : 'host + stage member to everyone',
            formatSummary(lat(video, lane, 'p50'), ms),
            formatSummary(lat(video, lane, 'p99'), ms),
            String(latency[video][lane].reduce((sum, r) => sum + r.lost, 0)),
          ]),
        ),
        note: `p50 and p99 per round; median over ${latencyRounds} rounds [p25–p75]. All pages share one machine (and its CPU with the video encoders and decoders, software only: \`--disable-gpu\`).`,
      };
      const chart: BarChart = {
        id: 'latency',
        title: 'Data-lane p99 round trip, without and with video',
        unit: 'ms',
        categories: ['reliable', 'unreliable'],
        series: (['off', 'on'] as const).map((video) => ({
          name: video === 'off' ? 'no video' : 'video running',
          values: (['reliable', 'unreliable'] as const).map((lane) => {
            const s = lat(video, lane, 'p99');
            return { value: s.median, low: s.p25, high: s.p75 };
          }),
        })),
      };
      const summary =
        `A member accepting a stage invite is seen on the host's page after **${ms(stageHost.median)} ms** and on another member's after ` +
        `**${ms(stageMember.median)} ms** (median of ${stageRounds}). The reliable lane's p99 round trip is **${ms(lat('off', 'reliable', 'p99').median)} ms** ` +
        `without video and **${ms(lat('on', 'reliable', 'p99').median)} ms** with two 640×480 streams running to everyone on the same machine ` +
        `(p50 ${ms(lat('off', 'reliable', 'p50').median)} → ${ms(lat('on', 'reliable', 'p50').median)} ms).`;
      return {
        summary,
        tables: [stageTable, latencyTable],
        charts: [chart],
        data: {
          stageAcceptToFirstFrameMs: { host: toHost, member: toMember, hostSummary: stageHost, memberSummary: stageMember },
          latency,
          pings,
        },
      };
    } finally {
      await browser?.close();
      await server.close();
      rmSync(distDir, { recursive: true, force: true });
    }
  },
};
