import { formatInteger } from '../harness/format.ts';
import { quantile } from '../harness/stats.ts';
import type { Benchmark, Table } from '../harness/types.ts';
import { runInLab } from '../lab/namespace.ts';
import type { ClassScaleInput, ClassScaleResult } from '../lab/tasks/classroom-scale.ts';

const ms = (value: number): string => (value < 10 ? value.toFixed(1) : formatInteger(value));

export const classroomScaleBenchmark: Benchmark = {
  name: 'classroom-scale',
  title: "Classroom at class scale: the teacher's Chromium tab hosts 30, 60 and 120 students answering at once",
  description:
    "The default deployment: the teacher's `Classroom` runs in a headless Chromium page (Debian's chromium) and hosts a keyed room " +
    "over PeerJS with a real PeerServer (`beckon serve`); the students are Node `Classroom`s over node-datachannel in one process, " +
    'all inside a loopback-only network namespace. All students join at once (a join storm; a failed first try is retried, and ' +
    'counted), then every student answers a live A–D poll in the same instant, for several rounds. Measured: from the first ' +
    "`vote()` until every student's `Classroom` shows the final tally, until the teacher's page shows it, and the long tasks " +
    "(over 50 ms) on the teacher's page while the class answers, and the teacher tab's main-thread CPU. The host coalesces tallies (one update per ~50 ms), sends " +
    'changes rather than whole states, and debounces saves.',
  needs: ['network-lab', 'browser'],
  async run(ctx) {
    const input: ClassScaleInput = { sizes: ctx.quick ? [30] : [30, 60, 120], rounds: ctx.quick ? 3 : 10 };
    const run = await runInLab<ClassScaleInput, ClassScaleResult>(ctx, 'lab/tasks/classroom-scale.ts', 'classScale', input, 600_000);
    const rows = run.result.sizes.map((size) => {
      const everyone = [...size.everyoneMs].sort((a, b) => a - b);
      const teacher = [...size.teacherMs].sort((a, b) => a - b);
      const student = [...size.studentMs].sort((a, b) => a - b);
      const longest = Math.max(0, ...size.longTasks);
      return {
        size,
        cells: [
          String(size.students),
          ms(quantile(everyone, 0.5)),
          ms(everyone.at(-1) ?? 0),
          ms(quantile(student, 0.99)),
          formatInteger(student.length),
          ms(quantile(teacher, 0.5)),
          `${size.tabCpuAnswerPercent.toFixed(0)}%`,
          `${size.tabCpuJoinPercent.toFixed(0)}%`,
          String(size.longTasks.length),
          size.longTasks.length === 0 ? '–' : ms(longest),
          `${size.joinFirstTryFailures} / ${size.joinFailures}`,
          ms(size.joinStormMs),
        ],
        everyone,
        student,
        longest,
      };
    });
    const table: Table = {
      title: 'A whole class answering at once, the teacher’s tab hosting',
      columns: [
        { label: 'Students', align: 'right' },
        { label: 'Everyone has the tally, p50 (ms)', align: 'right' },
        { label: 'max (ms)', align: 'right' },
        { label: 'Each student has it, p99 (ms)', align: 'right' },
        { label: 'Samples', align: 'right' },
        { label: 'Teacher has it, p50 (ms)', align: 'right' },
        { label: 'Teacher tab CPU, answering', align: 'right' },
        { label: 'Teacher tab CPU, join storm', align: 'right' },
        { label: 'Long tasks on the teacher’s page', align: 'right' },
        { label: 'Longest (ms)', align: 'right' },
        { label: 'Join: first-try failures / failures', align: 'right' },
        { label: 'Join storm (ms)', align: 'right' },
      ],
      rows: rows.map((row) => row.cells),
      note:
        `${input.rounds} rounds per class size; Chromium ${run.result.chromium}. ${rows.some((r) => r.size.missed > 0) ? `Rounds that missed the 10 s limit: ${rows.map((r) => `${r.size.students}: ${r.size.missed}`).join(', ')}. ` : ''}` +
        "Each student's time pools every student of every round. Tab CPU is the teacher page's main thread busy time " +
        "(Chromium's TaskDuration) as a percentage of one core, over the answering rounds and over the join storm. " +
        "The students' work shares one Node process, so the times include it." +
        (run.isolated ? '' : ' Not isolated: no network namespace could be created.'),
    };
    const biggest = rows.at(-1)!;
    return {
      summary:
        `With ${biggest.size.students} students answering at once and the teacher's tab hosting, every student had the final tally ` +
        `${ms(quantile(biggest.everyone, 0.5))} ms (p50) and at most ${ms(biggest.everyone.at(-1) ?? 0)} ms after the first vote ` +
        `(each student's own p99 ${ms(quantile(biggest.student, 0.99))} ms); the teacher's tab used ${biggest.size.tabCpuAnswerPercent.toFixed(0)}% ` +
        `of a core while the class answered and ${biggest.size.tabCpuJoinPercent.toFixed(0)}% during the join storm; ` +
        `the teacher's page had ${biggest.size.longTasks.length} long tasks (longest ${ms(biggest.longest)} ms); ` +
        `${biggest.size.joinFirstTryFailures} of ${biggest.size.students} first joins failed in the storm.`,
      tables: [table],
      charts: [],
      data: { isolated: run.isolated, chromium: run.result.chromium, sizes: run.result.sizes },
    };
  },
};
