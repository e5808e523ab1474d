import { fileURLToPath } from 'node:url';
import { benchmarks } from './benchmarks.ts';
import { runBenchmarks } from './harness/run.ts';

const usage = `Usage: pnpm bench [--quick] [--no-write] [--list] [name…]

Runs the named benchmarks (all when none are named), prints their tables, stores their results in
docs/bench/<name>.json and regenerates docs/benchmarks.md from every stored result.

  --quick     few short rounds: a smoke test, not figures to publish
  --no-write  print only; leave docs/ alone
  --list      list the benchmarks and exit`;

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const flags = new Set(args.filter((arg) => arg.startsWith('-')));
const names = args.filter((arg) => !arg.startsWith('-'));
const knownFlags = new Set(['--quick', '--no-write', '--list', '--help', '-h']);

const unknownFlags = [...flags].filter((flag) => !knownFlags.has(flag));
if (flags.has('--help') || flags.has('-h') || unknownFlags.length > 0) {
  if (unknownFlags.length > 0) console.error(`Unknown option ${unknownFlags.join(', ')}\n`);
  console.error(usage);
  process.exit(unknownFlags.length > 0 ? 2 : 0);
}

if (flags.has('--list')) {
  for (const b of benchmarks) console.log(`${b.name.padEnd(16)} ${b.title}${b.needs?.length ? ` (needs ${b.needs.join(', ')})` : ''}`);
  process.exit(0);
}

try {
  const outcome = await runBenchmarks({
    benchmarks,
    names,
    quick: flags.has('--quick'),
    write: !flags.has('--no-write'),
    docsDir: fileURLToPath(new URL('../../../docs/', import.meta.url)),
    command: ['pnpm bench', ...args].join(' '),
    interactive: process.stderr.isTTY === true,
  });
  if (outcome.failures.length > 0) {
    console.error(`\n${outcome.failures.length} benchmark(s) failed: ${outcome.failures.map((f) => f.name).join(', ')}`);
    process.exit(1);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
