// The teacher's cost as the class grows, p2p against the SFU, in one run: upload bitrate and CPU with 2, 4, 8
// and 16 receivers (real Chromium pages that decode), and stage accept → first frame through each.
import { readdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import type { BarChart, Benchmark, BenchResult } from '../harness/types.ts';
import { chromiumArgs, chromiumPath } from '../../../../scripts/chromium.ts';
import { ensureTestInterface } from '../../../../scripts/netns-veth.ts';
import { startLabServer } from '../../../media/src/sfu/fixtures/lab-server.ts';

type Topology = 'p2p' | 'sfu';
const ticksPerSecond = 100;

/** CPU seconds used so far by `root` and every process below it (from /proc). */
function treeCpuSeconds(root: number): number {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
      cpu.set(Number(name), (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const pid of cpu.keys()) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (at === root) {
        total += cpu.get(pid) ?? 0;
        break;
      }
    }
  }
  return total;
}

/** The browser process playwright started last: the newest chromium child of this process. */
function newestBrowserPid(known: ReadonlySet<number>): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || known.has(Number(name))) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('chrom')) return Number(name);
    } catch {
      // gone
    }
  }
  return -1;
}

function childPids(): Set<number> {
  return new Set(readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number));
}

interface Sample {
  readonly topology: Topology;
  readonly receivers: number;
  readonly uploadKbps: number;
  readonly connections: number;
  readonly encodings: number;
  readonly teacherCpu: number;
  readonly janusCpu: number;
  /** Connections re-made during the window (a dropped p2p call that called again). */
  readonly remade: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const mediaScale: Benchmark = {
  name: 'media-scale',
  title: 'Video for a whole class: p2p against the SFU (Janus)',
  description:
    'A teacher page and N receiver pages (Chromium, fake 640×480 camera, every receiver decodes) in a room served by ' +
    '`beckon serve --sfu` (a supervised Janus 1.1 VideoRoom), once with `topology: \'p2p\'` (the teacher calls every receiver) ' +
    'and once with `\'sfu\'` (the teacher uploads one simulcast stream, 640×480 + 320×240, to Janus). The teacher runs in its own ' +
    'Chromium, the receivers in another (all but two of them without a camera of their own: they only watch and decode). **Upload**: the teacher\'s bytes sent (getStats `outbound-rtp`, audio + video, every ' +
    'connection) over a window after a warm-up, as kbit/s. **CPU**: CPU time of the teacher\'s whole Chromium process tree ' +
    '(encoders included) over the same window, as a share of one core; Janus\'s own CPU beside it. **Stage accept → first ' +
    'frame**: with 4 receivers, a receiver accepts a stage invite; timed until another receiver decodes its first frame. ' +
    'Run inside scripts/netns.sh (loopback plus a veth pair for Janus\'s ICE): nothing leaves the machine.',
  needs: ['browser'],
  async run(ctx): Promise<BenchResult> {
    const sizes = ctx.quick ? [2, 4] : [2, 4, 8, 16];
    const warmMs = ctx.quick ? 3000 : 8000;
    const windowMs = ctx.quick ? 3000 : 8000;
    const iface = ensureTestInterface();
    const lab = await startLabServer({ sfu: ['--sfu-port', '0', '--sfu-rtp-ports', '23000-23999', ...(iface ? ['--sfu-ice', iface.name] : [])] });
    const before = childPids();
    const teacherBrowser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    const teacherRoot = newestBrowserPid(before);
    const receiverBrowser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    const health = (await (await fetch(`${lab.server.url}/health`)).json()) as { sfu: { pid: number } };
    const samples: Sample[] = [];
    const stage: Record<Topology, number[]> = { p2p: [], sfu: [] };
    const steps = sizes.length * 2;
    let step = 0;
    try {
      for (const receivers of sizes) {
        for (const topology of ['p2p', 'sfu'] as const) {
          ctx.progress(step++, steps, `${topology}, ${receivers} receivers`);
          const contexts: BrowserContext[] = [];
          const open = async (browser: Browser, query: string): Promise<Page> => {
            const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
            contexts.push(context);
            const page = await context.newPage();
            await page.goto(`${lab.server.url}/lab/?${query}`);
            await page.waitForFunction(() => document.getElementById('state')!.dataset['ready'] === '1' || document.getElementById('state')!.dataset['failed'] === '1', undefined, { timeout: 90_000, polling: 100 });
            const state = await page.locator('#state').textContent();
            if (state?.startsWith('failed')) throw new Error(`${query}: ${state}`);
            return page;
          };
          try {
            const teacher = await open(teacherBrowser, `name=Teacher&topology=${topology}`);
            const hostPeer = await teacher.evaluate(() => window.__sfuLab!.transport.localId);
            const teacherId = await teacher.evaluate(() => window.__sfuLab!.room.selfId);
            const pages: Page[] = [];
            // R0 and R1 have cameras (R0 goes on stage); the rest only watch and decode.
            for (let i = 0; i < receivers; i++) pages.push(await open(receiverBrowser, `name=R${i}&room=${hostPeer}${i > 1 ? '&camera=0' : ''}`));
            for (const page of pages) {
              await page.waitForFunction((id) => window.__sfuLab!.media.receiveStats(id).then((s) => (s?.framesDecoded ?? 0) > 5), teacherId, { timeout: 60_000, polling: 200 });
            }
            await sleep(warmMs);
            const sent0 = await teacher.evaluate(() => window.__sfuLab!.media.sendStats());
            const cpu0 = treeCpuSeconds(teacherRoot);
            const janus0 = treeCpuSeconds(health.sfu.pid);
            const t0 = Date.now();
            await sleep(windowMs);
            const sent1 = await teacher.evaluate(() => window.__sfuLab!.media.sendStats());
            const seconds = (Date.now() - t0) / 1000;
            samples.push({
              topology,
              receivers,
              // Per connection: a p2p call re-made in the window (it happens under load) counts from its new start.
              uploadKbps: (sent1.perConnection.reduce((sum, c) => sum + c.bytesSent - (sent0.perConnection.find((o) => o.id === c.id)?.bytesSent ?? 0), 0) * 8) / 1000 / seconds,
              remade: sent1.perConnection.filter((c) => !sent0.perConnection.some((o) => o.id === c.id)).length,
              connections: sent1.connections,
              encodings: sent1.layers.length,
              teacherCpu: (treeCpuSeconds(teacherRoot) - cpu0) / seconds,
              janusCpu: (treeCpuSeconds(health.sfu.pid) - janus0) / seconds,
            });
            ctx.log(`${topology} ×${receivers}: ${samples.at(-1)!.uploadKbps.toFixed(0)} kbit/s, CPU ${(samples.at(-1)!.teacherCpu * 100).toFixed(0)}%`);
            if (receivers === 4) {
              for (let round = 0; round < (ctx.quick ? 2 : 5); round++) {
                const star = pages[0]!;
                const watcher = pages[1]!;
                const starId = await star.evaluate(() => window.__sfuLab!.room.selfId);
                await teacher.evaluate((id) => window.__sfuLab!.media.inviteToStage(id), starId);
                await star.waitForFunction(() => window.__sfuLab!.media.invite !== undefined, undefined, { timeout: 10_000, polling: 10 });
                const started = await star.evaluate(() => {
                  window.__sfuLab!.media.answerInvite(true);
                  return performance.timeOrigin + performance.now();
                });
                // A string, not a function: tsx's name helpers do not exist in the page.
                const seen = (await watcher.evaluate(`new Promise((resolve) => {
                  const poll = () => window.__sfuLab.media.receiveStats(${JSON.stringify(starId)}).then((s) => {
                    if ((s?.framesDecoded ?? 0) > 0) resolve(performance.timeOrigin + performance.now());
                    else setTimeout(poll, 4);
                  });
                  poll();
                })`)) as number;
                stage[topology].push(seen - started);
                await teacher.evaluate((id) => window.__sfuLab!.media.endStage(id), starId);
                await watcher.waitForFunction((id) => !window.__sfuLab!.media.remotes.has(id), starId, { timeout: 10_000, polling: 20 });
                await sleep(500);
              }
            }
          } finally {
            for (const context of contexts) await context.close().catch(() => {});
          }
        }
      }
    } finally {
      await teacherBrowser.close().catch(() => {});
      await receiverBrowser.close().catch(() => {});
      await lab.close();
    }
    ctx.progress(steps, steps, 'done');
    const get = (topology: Topology, receivers: number): Sample => samples.find((s) => s.topology === topology && s.receivers === receivers)!;
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const upload: BarChart = {
      id: 'upload',
      title: 'Teacher upload by class size',
      unit: 'kbit/s',
      categories: sizes.map((n) => `${n} receivers`),
      series: (['p2p', 'sfu'] as const).map((topology) => ({ name: topology === 'p2p' ? 'p2p' : 'SFU (Janus)', values: sizes.map((n) => ({ value: get(topology, n).uploadKbps })) })),
    };
    const cpu: BarChart = {
      id: 'cpu',
      title: 'Teacher CPU by class size (share of one core)',
      unit: '%',
      categories: sizes.map((n) => `${n} receivers`),
      series: (['p2p', 'sfu'] as const).map((topology) => ({ name: topology === 'p2p' ? 'p2p' : 'SFU (Janus)', values: sizes.map((n) => ({ value: get(topology, n).teacherCpu * 100 })) })),
    };
    const largest = sizes.at(-1)!;
    const sfuFlat = get('sfu', largest).uploadKbps / get('sfu', sizes[0]!).uploadKbps;
    return {
      summary:
        `With ${largest} receivers the teacher uploads **${get('p2p', largest).uploadKbps.toFixed(0)} kbit/s** p2p and ` +
        `**${get('sfu', largest).uploadKbps.toFixed(0)} kbit/s** through the SFU (${sfuFlat.toFixed(2)}× its ${sizes[0]}-receiver figure); ` +
        `teacher CPU ${(get('p2p', largest).teacherCpu * 100).toFixed(0)}% against ${(get('sfu', largest).teacherCpu * 100).toFixed(0)}% of a core. ` +
        `Stage accept → first frame (4 receivers): **${median(stage.p2p).toFixed(0)} ms** p2p, **${median(stage.sfu).toFixed(0)} ms** through the SFU (median).`,
      tables: [
        {
          title: 'Teacher upload and CPU, p2p against the SFU',
          columns: [
            { label: 'Receivers' },
            { label: 'p2p upload (kbit/s)', align: 'right' },
            { label: 'SFU upload (kbit/s)', align: 'right' },
            { label: 'p2p connections / encodings', align: 'right' },
            { label: 'SFU connections / encodings', align: 'right' },
            { label: 'p2p teacher CPU', align: 'right' },
            { label: 'SFU teacher CPU', align: 'right' },
            { label: 'Janus CPU', align: 'right' },
            { label: 'calls re-made (p2p / SFU)', align: 'right' },
          ],
          rows: sizes.map((n) => {
            const p = get('p2p', n);
            const s = get('sfu', n);
            return [String(n), p.uploadKbps.toFixed(0), s.uploadKbps.toFixed(0), `${p.connections} / ${p.encodings}`, `${s.connections} / ${s.encodings}`, `${(p.teacherCpu * 100).toFixed(0)}%`, `${(s.teacherCpu * 100).toFixed(0)}%`, `${(s.janusCpu * 100).toFixed(0)}%`, `${p.remade} / ${s.remade}`];
          }),
          note: 'CPU: the teacher\'s whole Chromium (encoders, renderer, GPU process) over the window; receivers run in another Chromium on the same 2 cores, so at 16 receivers the machine itself is saturated and the p2p encoder adapts down.',
        },
        {
          title: 'Stage accept → first decoded frame on another receiver (ms), 4 receivers',
          columns: [{ label: 'Topology' }, { label: 'median', align: 'right' }, { label: 'min', align: 'right' }, { label: 'max', align: 'right' }, { label: 'rounds', align: 'right' }],
          rows: (['p2p', 'sfu'] as const).map((t) => [t, median(stage[t]).toFixed(0), Math.min(...stage[t]).toFixed(0), Math.max(...stage[t]).toFixed(0), String(stage[t].length)]),
        },
      ],
      charts: [upload, cpu],
      data: { samples, stage },
    };
  },
};
