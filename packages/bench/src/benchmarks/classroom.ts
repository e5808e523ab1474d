import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import { createHostCredentials, hostRoom, joinRoom } from '@beckon/core';
import type { MemberRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
// The session module only: the package's entry registers Lit elements, which need a DOM.
import { Classroom, classroomTypes } from '../../../classroom/src/session/classroom.ts';
import { formatBytes, formatInteger } from '../harness/format.ts';
import { quantile } from '../harness/stats.ts';
import type { Benchmark, Table } from '../harness/types.ts';
import { runInLab } from '../lab/namespace.ts';
import type { LabReporter } from '../lab/namespace.ts';
import { pageConditions } from '../lab/conditions.ts';

export interface ClassroomVoteInput {
  readonly members: number;
  readonly votes: number;
  /** Members joining at once. */
  readonly concurrency: number;
}

export interface ClassroomVoteResult {
  readonly members: number;
  readonly allJoinedMs: number;
  /** Per vote: from `vote()` on a member's Classroom until the last member's Classroom shows the new tally. */
  readonly everyoneMs: number[];
  /** Per vote and member: until that member's Classroom shows the new tally. */
  readonly eachMs: number[];
  /** Votes whose tally did not reach every member within 5 s. */
  readonly missed: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lab task: a teacher's Classroom hosting a keyed room and `members` students' Classrooms, each its own PeerJS
 * peer (node-datachannel) through a real PeerServer, all in this process. Students vote one at a time, each vote
 * changing the tally; the time is taken until every student's Classroom has the updated PollState.
 */
export async function classroomVotes(input: ClassroomVoteInput, reporter: LabReporter): Promise<ClassroomVoteResult> {
  installNodeWebRTC();
  const server = await startServer({ port: 0 });
  const signal = { host: server.host, port: server.port, path: server.path };
  const rooms: MemberRoom[] = [];
  try {
    const hostId = 'classroom-bench-teacher';
    const credentials = await createHostCredentials(hostId);
    const host = hostRoom({
      transport: await createPeerJsTransport({ ...signal, id: hostId }),
      types: classroomTypes,
      name: 'Teacher',
      room: 'bench',
      participantId: 'teacher',
      credentials,
    });
    const teacher = new Classroom(host);
    const students: Classroom[] = [];
    const began = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: input.concurrency }, async () => {
        while (next < input.members) {
          const n = next++;
          const transport = await createPeerJsTransport({ ...signal });
          const room = await joinRoom({ transport, hostId, name: `Student ${n + 1}`, invite: credentials.invite, types: classroomTypes, joinTimeoutMs: 20_000 }, (r) =>
            students.push(new Classroom(r)),
          );
          rooms.push(room);
          reporter.progress(rooms.length, input.members + input.votes, 'joining');
        }
      }),
    );
    const allJoinedMs = performance.now() - began;
    teacher.openPoll({ question: 'Which is the largest?', kind: 'letters', results: 'live' });
    while (!students.every((s) => s.poll !== undefined)) await sleep(5);

    const ballots = new Map<string, number>();
    const everyoneMs: number[] = [];
    const eachMs: number[] = [];
    let missed = 0;
    for (let v = 0; v < input.votes; v++) {
      const voter = students[v % students.length]!;
      // A different answer each time, so every vote changes the tally.
      const choice = ((ballots.get(voter.selfId) ?? -1) + 1 + (v % 3)) % 4;
      ballots.set(voter.selfId, choice);
      const expected = [0, 1, 2, 3].map((option) => [...ballots.values()].filter((c) => c === option).length).join();
      const pending = new Set(students);
      const start = performance.now();
      let last = start;
      const done = new Promise<boolean>((resolve) => {
        const offs = students.map((student) =>
          student.events.on('change', (kind) => {
            if (kind !== 'poll' || !pending.has(student) || student.poll?.counts.join() !== expected) return;
            const t = performance.now();
            eachMs.push(t - start);
            last = t;
            pending.delete(student);
            if (pending.size === 0) finish(true);
          }),
        );
        const timer = setTimeout(() => finish(false), 5000);
        function finish(ok: boolean): void {
          clearTimeout(timer);
          for (const off of offs) off();
          resolve(ok);
        }
      });
      voter.vote([choice]);
      if (await done) everyoneMs.push(last - start);
      else missed++;
      reporter.progress(input.members + v + 1, input.members + input.votes, 'voting');
      // Votes are paced like a class, not a flood: each member's own limit is 5 a second.
      await sleep(10);
    }
    for (const student of students) student.dispose();
    teacher.dispose();
    await Promise.all(rooms.map((room) => room.leave()));
    await host.close();
    return { members: input.members, allJoinedMs, everyoneMs, eachMs, missed };
  } finally {
    await server.close();
    cleanupNodeWebRTC();
  }
}

interface PartSize {
  readonly name: string;
  readonly minified: number;
  readonly gzipped: number;
}

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/** Builds `code` (an entry module) with vite, as the classroom bundle is built: ES module, minified, one file. */
async function bundleSize(name: string, root: string, code: string): Promise<PartSize> {
  const { build, defaultClientConditions } = await import('vite');
  const entry = 'virtual:bench-entry';
  const output = await build({
    configFile: false,
    root,
    resolve: { conditions: pageConditions(defaultClientConditions) },
    logLevel: 'silent',
    plugins: [
      {
        name: 'bench-entry',
        // vite resolves the lib entry against the root first.
        resolveId: (id) => (id.endsWith(entry) ? `\0${entry}` : undefined),
        load: (id) => (id === `\0${entry}` ? code : undefined),
      },
    ],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: { entry, formats: ['es'], fileName: () => 'part.js' },
      rollupOptions: { output: { inlineDynamicImports: true } },
    },
  });
  const results = Array.isArray(output) ? output : [output];
  let source = '';
  for (const result of results) {
    if (!('output' in result)) throw new Error('vite build returned a watcher');
    for (const chunk of result.output) if (chunk.type === 'chunk') source += chunk.code;
  }
  const bytes = Buffer.from(source);
  return { name, minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}

async function bundleSizes(): Promise<{ whole: PartSize; parts: PartSize[] }> {
  const classroomDir = here('../../../classroom/');
  const whole = await bundleSize('beckon-classroom.js (everything)', classroomDir, `import ${JSON.stringify(here('../../../classroom/src/define.ts'))};`);
  // Each part alone, as much of it as the classroom can use: `export *` keeps every export of the modules it imports.
  const parts = [
    await bundleSize('lit (lit, decorators, repeat)', classroomDir, "export * from 'lit'; export * from 'lit/decorators.js'; export * from 'lit/directives/repeat.js';"),
    await bundleSize('protobufjs runtime (light)', here('../../../core/'), "export { default } from 'protobufjs/light.js';"),
    await bundleSize('peerjs', here('../../../peerjs/'), "export * from 'peerjs';"),
  ];
  return { whole, parts };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number): string => (value < 10 ? value.toFixed(2) : formatInteger(value));

export const classroomBenchmark: Benchmark = {
  name: 'classroom',
  title: 'Classroom: vote-to-tally latency with 30 students, and the one-file bundle',
  description:
    "A teacher's `Classroom` hosting a keyed room (invite proofs, signed welcome) and 30 students' `Classroom`s, each its own " +
    'PeerJS peer over node-datachannel with a real PeerServer (`beckon serve`), all in one Node process inside a loopback-only ' +
    'network namespace. Students vote one at a time in an A–D poll, each vote changing the tally; the latency runs from `vote()` ' +
    "on the student's page to the last of the 30 students' `Classroom`s showing the new counts (a live-results poll: the host " +
    'validates the vote and sends a `PollTally`, the counts without ids, on the reliable lane; the first change after a quiet ' +
    '50 ms goes out at once, later ones are coalesced). The bundle is `packages/classroom/src/define.ts` built with vite as ' +
    'the one-file bundle is (ES module, minified, every dependency inlined); each part is built alone the same way, and sizes are ' +
    'gzip level 9.',
  needs: ['network-lab'],
  async run(ctx) {
    const input: ClassroomVoteInput = { members: 30, votes: ctx.quick ? 30 : 300, concurrency: 10 };
    const run = await runInLab<ClassroomVoteInput, ClassroomVoteResult>(ctx, 'benchmarks/classroom.ts', 'classroomVotes', input, 120_000);
    const votes = run.result;
    const everyone = [...votes.everyoneMs].sort((a, b) => a - b);
    const each = [...votes.eachMs].sort((a, b) => a - b);
    ctx.log('building the bundle and its parts');
    const { whole, parts } = await bundleSizes();
    const partsGzipped = parts.reduce((sum, part) => sum + part.gzipped, 0);
    const ownGzipped = whole.gzipped - partsGzipped;

    const latency: Table = {
      title: `Vote to updated tally, ${votes.members} students`,
      columns: [
        { label: 'Measured until', align: 'left' },
        { label: 'p50 (ms)', align: 'right' },
        { label: 'p99 (ms)', align: 'right' },
        { label: 'max (ms)', align: 'right' },
        { label: 'Samples', align: 'right' },
      ],
      rows: [
        ['every student has it', ms(quantile(everyone, 0.5)), ms(quantile(everyone, 0.99)), ms(everyone.at(-1) ?? 0), String(everyone.length)],
        ['each student has it', ms(quantile(each, 0.5)), ms(quantile(each, 0.99)), ms(each.at(-1) ?? 0), String(each.length)],
      ],
      note:
        `All ${votes.members} students joined in ${formatInteger(votes.allJoinedMs)} ms (10 at a time). ` +
        `${votes.missed === 0 ? 'Every vote reached every student.' : `${votes.missed} votes did not reach every student within 5 s.`} ` +
        'Host and students share one process and its event loop, so these include the students\' own work; the host sends 30 copies of each update.' +
        (run.isolated ? '' : ' Not isolated: no network namespace could be created.'),
    };
    const sizes: Table = {
      title: 'The one-file bundle and its parts',
      columns: [
        { label: 'Build', align: 'left' },
        { label: 'Minified (bytes)', align: 'right' },
        { label: 'Gzipped (bytes)', align: 'right' },
        { label: 'Share of the bundle (gzipped)', align: 'right' },
      ],
      rows: [
        [whole.name, formatBytes(whole.minified), formatBytes(whole.gzipped), '100%'],
        ...parts.map((part) => [part.name, formatBytes(part.minified), formatBytes(part.gzipped), `${((part.gzipped / whole.gzipped) * 100).toFixed(0)}%`]),
        ['Beckon itself (the rest: core, transport, classroom, generated schema)', '', `≈ ${formatBytes(ownGzipped)}`, `≈ ${((ownGzipped / whole.gzipped) * 100).toFixed(0)}%`],
      ],
      note: 'Parts are compressed on their own, so they do not add up exactly to the whole (one gzip stream shares its dictionary). Lit is measured with every export of the modules the classroom imports.',
    };
    return {
      summary:
        `With ${votes.members} students, a vote reached every student's tally in ${ms(quantile(everyone, 0.5))} ms at the median and ` +
        `${ms(quantile(everyone, 0.99))} ms at p99 (real WebRTC on loopback). The one-file bundle is ${kib(whole.gzipped)} gzipped ` +
        `(${kib(whole.minified)} minified); peerjs, protobufjs and lit alone come to ${kib(partsGzipped)} of it, Beckon's own code to about ${kib(ownGzipped)}.`,
      tables: [latency, sizes],
      charts: [
        {
          id: 'bundle',
          title: 'The one-file bundle and its parts, gzipped',
          unit: 'bytes',
          format: 'bytes',
          categories: [whole.name, ...parts.map((part) => part.name)],
          series: [{ name: 'gzipped', values: [whole, ...parts].map((part) => ({ value: part.gzipped })) }],
        },
      ],
      data: {
        isolated: run.isolated,
        members: votes.members,
        allJoinedMs: votes.allJoinedMs,
        missed: votes.missed,
        everyoneMs: { p50: quantile(everyone, 0.5), p99: quantile(everyone, 0.99), max: everyone.at(-1) ?? 0, samples: votes.everyoneMs },
        eachMs: { p50: quantile(each, 0.5), p99: quantile(each, 0.99), max: each.at(-1) ?? 0 },
        bundle: { whole, parts, ownGzipped },
      },
    };
  },
};
