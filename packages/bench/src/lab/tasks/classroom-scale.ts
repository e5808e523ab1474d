import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import { joinRoom, parseInvite } from '@beckon/core';
import type { MemberRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { Classroom, classroomTypes } from '../../../../classroom/src/session/classroom.ts';
import { chromiumArgs, chromiumPath } from '../../../../../scripts/chromium.ts';
import type { LabReporter } from '../namespace.ts';
import { pageConditions } from '../conditions.ts';

const pageRoot = fileURLToPath(new URL('../../../browser-classroom/', import.meta.url));

export interface ClassScaleInput {
  /** Class sizes to run, one after the other, each with its own teacher page. */
  readonly sizes: readonly number[];
  /** Rounds of "everyone answers at once" per size. */
  readonly rounds: number;
}

export interface ClassScaleSize {
  readonly students: number;
  /** Students whose first join failed (and joined on a retry), and how long the whole storm took. */
  readonly joinFirstTryFailures: number;
  readonly joinFailures: number;
  readonly joinStormMs: number;
  /** Per round: from the first `vote()` until every student shows the final tally. */
  readonly everyoneMs: number[];
  /** Per round: until the teacher's page shows it. */
  readonly teacherMs: number[];
  /** Every student in every round: from the first `vote()` until that student shows the final tally (pooled samples). */
  readonly studentMs: number[];
  /** Long tasks on the teacher's page during the rounds (ms). */
  readonly longTasks: number[];
  /** The teacher tab's main thread busy (Chromium's TaskDuration), % of one core: during the join storm, and while the class answers. */
  readonly tabCpuJoinPercent: number;
  readonly tabCpuAnswerPercent: number;
  readonly missed: number;
}

export interface ClassScaleResult {
  readonly chromium: string;
  readonly sizes: ClassScaleSize[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function buildPage(): Promise<string> {
  const { build, defaultClientConditions } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'beckon-bench-class-'));
  await build({ root: pageRoot, logLevel: 'warn', resolve: { conditions: pageConditions(defaultClientConditions) }, build: { outDir, emptyOutDir: true, target: 'es2022', minify: true } });
  return outDir;
}

/**
 * Lab task: the teacher's `Classroom` in a headless Chromium page hosts (the default deployment); the students are
 * Node `Classroom`s over node-datachannel, all joining at once (a join storm), then answering a live poll all at
 * once, round after round. Measured: first-try join failures; time until every student's tally equals the final one;
 * long tasks on the teacher's page.
 */
export async function classScale(input: ClassScaleInput, reporter: LabReporter): Promise<ClassScaleResult> {
  installNodeWebRTC();
  const outDir = await buildPage();
  const server = await startServer({ port: 0, statics: [outDir] });
  const signal = { host: server.host, port: server.port, path: server.path };
  const { chromium } = await import('playwright');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const sizes: ClassScaleSize[] = [];
  try {
    for (const [index, size] of input.sizes.entries()) {
      const context = await browser.newContext();
      // Host candidates without mDNS names, which Node peers could not resolve.
      await context.grantPermissions(['camera', 'microphone']);
      const page = await context.newPage();
      page.on('pageerror', (error) => reporter.log(`page error: ${error.message}`));
      // The tab's main-thread time, from Chromium's own accounting (the renderer is a process of its own).
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const taskSeconds = async (): Promise<number> => {
        const { metrics } = await cdp.send('Performance.getMetrics');
        return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
      };
      const busyPercent = async (since: { task: number; wall: number }): Promise<number> =>
        (((await taskSeconds()) - since.task) * 1000 * 100) / (performance.now() - since.wall);
      const mark = async (): Promise<{ task: number; wall: number }> => ({ task: await taskSeconds(), wall: performance.now() });
      await page.goto(`${server.url}/index.html?path=${encodeURIComponent(server.path)}`);
      await page.waitForFunction(() => 'beckonClassroomBench' in globalThis);
      type Api = Record<string, (...args: unknown[]) => unknown>;
      const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
        page.evaluate(([m, a]) => ((globalThis as unknown as { beckonClassroomBench: Api }).beckonClassroomBench[m as string]!)(...(a as unknown[])), [method, args] as const) as Promise<T>;
      const hostId = `class-bench-${index}`;
      const invite = parseInvite(await call<string>('host', hostId));
      if (!invite) throw new Error('the teacher page gave no invite');

      // The join storm: everyone at once, as a class clicking the link when the teacher shares it.
      const rooms: MemberRoom[] = [];
      const students: Classroom[] = [];
      let firstTryFailures = 0;
      let failures = 0;
      const joinMark = await mark();
      const began = performance.now();
      await Promise.all(
        Array.from({ length: size }, async (_, n) => {
          for (let attempt = 0; attempt < 3; attempt++) {
            try {
              const transport = await createPeerJsTransport({ ...signal, iceServers: [] });
              const room = await joinRoom({ transport, hostId, name: `Student ${n + 1}`, invite, types: classroomTypes, joinTimeoutMs: 20_000 }, (r) => students.push(new Classroom(r)));
              rooms.push(room);
              return;
            } catch (error) {
              if (attempt === 0) firstTryFailures++;
              reporter.log(`student ${n + 1} join attempt ${attempt + 1} failed: ${error instanceof Error ? error.message : String(error)}`);
              // As <beckon-room> does: a short, growing pause, then quietly again.
              await sleep(400 * (attempt + 1) + Math.random() * 400);
            }
          }
          failures++;
        }),
      );
      const joinStormMs = performance.now() - began;
      const tabCpuJoinPercent = await busyPercent(joinMark);
      const joined = students.filter((s) => s.state === 'open');
      reporter.progress(index * 2 + 1, input.sizes.length * 2, `${size}: ${joined.length} joined in ${Math.round(joinStormMs)} ms`);
      while ((await call<number>('students')) < joined.length) await sleep(20);

      const everyoneMs: number[] = [];
      const teacherMs: number[] = [];
      const longTasks: number[] = [];
      const studentMs: number[] = [];
      let answering = 0;
      let answeringTask = 0;
      let missed = 0;
      for (let round = 0; round < input.rounds; round++) {
        const pollId = await call<string>('openPoll');
        while (!joined.every((s) => s.poll?.id === pollId)) await sleep(5);
        await sleep(200);
        await call('takeLongTasks');
        const roundMark = await mark();
        const choices = joined.map((_, i) => (i + round) % 4);
        const expected = [0, 1, 2, 3].map((option) => choices.filter((c) => c === option).length).join();
        const start = performance.now();
        let last = start;
        const pending = new Set(joined);
        const done = new Promise<boolean>((resolve) => {
          const offs = joined.map((student) =>
            student.events.on('change', (kind) => {
              if (kind !== 'poll' || !pending.has(student) || student.poll?.counts.join() !== expected) return;
              last = performance.now();
              studentMs.push(last - start);
              pending.delete(student);
              if (pending.size === 0) finish(true);
            }),
          );
          const timer = setTimeout(() => finish(false), 10_000);
          function finish(ok: boolean): void {
            clearTimeout(timer);
            for (const off of offs) off();
            resolve(ok);
          }
        });
        // Everyone answers at once.
        joined.forEach((student, i) => student.vote([choices[i]!]));
        const teacherDone = call('untilCounts', expected).then(() => performance.now());
        const ok = await done;
        teacherMs.push((await teacherDone) - start);
        if (ok) everyoneMs.push(last - start);
        else missed++;
        answeringTask += (await taskSeconds()) - roundMark.task;
        answering += performance.now() - roundMark.wall;
        await sleep(300);
        longTasks.push(...(await call<number[]>('takeLongTasks')));
      }
      const tabCpuAnswerPercent = (answeringTask * 1000 * 100) / answering;
      sizes.push({ students: size, joinFirstTryFailures: firstTryFailures, joinFailures: failures, joinStormMs, everyoneMs, teacherMs, studentMs, longTasks, tabCpuJoinPercent, tabCpuAnswerPercent, missed });
      reporter.progress(index * 2 + 2, input.sizes.length * 2, `${size}: rounds done`);
      for (const student of students) student.dispose();
      await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
      await context.close();
    }
    return { chromium: browser.version(), sizes };
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    cleanupNodeWebRTC();
  }
}
