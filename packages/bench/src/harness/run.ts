import { existsSync } from 'node:fs';
import os from 'node:os';
import { describeThisMachine } from './machine.ts';
import { renderTextTable } from './markdown.ts';
import { writeReport, writeStoredResult } from './store.ts';
import type { Benchmark, BenchContext, Machine, StoredResult } from './types.ts';

export interface RunOptions {
  readonly benchmarks: readonly Benchmark[];
  /** Names to run; empty runs all. */
  readonly names: readonly string[];
  readonly quick: boolean;
  /** Store results and regenerate the report; false only prints. */
  readonly write: boolean;
  /** The repository's docs/ folder. */
  readonly docsDir: string;
  /** The command as a person would type it, recorded in the report. */
  readonly command: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Rewrite progress in place (a terminal) instead of printing a line now and then. */
  readonly interactive?: boolean;
  readonly machine?: Machine;
}

export interface RunOutcome {
  readonly results: readonly StoredResult[];
  readonly failures: readonly { readonly name: string; readonly error: unknown }[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** Picks the benchmarks named, in list order; throws on an unknown name. */
export function selectBenchmarks(benchmarks: readonly Benchmark[], names: readonly string[]): Benchmark[] {
  const known = new Set(benchmarks.map((b) => b.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`Unknown benchmark ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  }
  return names.length === 0 ? [...benchmarks] : benchmarks.filter((b) => names.includes(b.name));
}

export async function runBenchmarks(options: RunOptions): Promise<RunOutcome> {
  const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const selected = selectBenchmarks(options.benchmarks, options.names);
  const machine = options.machine ?? describeThisMachine();
  const results: StoredResult[] = [];
  const failures: { name: string; error: unknown }[] = [];
  const skipped: { name: string; reason: string }[] = [];

  for (const [index, benchmark] of selected.entries()) {
    const needs = benchmark.needs ?? [];
    const tag = `[${index + 1}/${selected.length}] ${benchmark.name}`;
    stderr(`${tag}: ${benchmark.title}${needs.length > 0 ? ` (needs ${needs.join(', ')})` : ''}\n`);
    if (needs.includes('browser') && !existsSync('/usr/bin/chromium')) {
      skipped.push({ name: benchmark.name, reason: 'needs a browser; /usr/bin/chromium is missing' });
      stderr(`${tag}: skipped, /usr/bin/chromium is missing\n`);
      continue;
    }
    const ctx = makeContext(tag, options.quick, stderr, options.interactive ?? false);
    const loadAverage = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
    const started = performance.now();
    try {
      const result = await benchmark.run(ctx);
      ctx.finish();
      const durationMs = performance.now() - started;
      const stored: StoredResult = {
        name: benchmark.name,
        title: benchmark.title,
        description: benchmark.description,
        needs,
        date: new Date().toISOString(),
        command: options.command,
        quick: options.quick,
        durationMs: Math.round(durationMs),
        loadAverage,
        machine,
        result,
      };
      results.push(stored);
      stderr(`${tag}: done in ${(durationMs / 1000).toFixed(1)} s\n`);
      stdout(`\n## ${benchmark.title}\n\n`);
      if (result.summary) stdout(`${result.summary.trim()}\n\n`);
      for (const table of result.tables) stdout(`${renderTextTable(table)}\n\n`);
      if (options.write) writeStoredResult(options.docsDir, stored);
    } catch (error) {
      ctx.finish();
      failures.push({ name: benchmark.name, error });
      stderr(`${tag}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }

  if (options.write && results.length > 0) {
    const path = writeReport(options.docsDir, options.benchmarks.map((b) => b.name));
    stderr(`Wrote ${path} and ${results.length} result file(s) in docs/bench/\n`);
  }
  return { results, failures, skipped };
}

function makeContext(
  tag: string,
  quick: boolean,
  stderr: (text: string) => void,
  interactive: boolean,
): BenchContext & { finish(): void } {
  let lastPrinted = 0;
  let pending = false;
  return {
    quick,
    progress(done, total, label) {
      const line = `${tag}: ${done}/${total} ${label}`;
      if (interactive) {
        stderr(`\r\x1b[2K${line}`);
        pending = true;
        return;
      }
      // In a log, one line every few seconds (and the last step) is enough to show it is alive.
      const at = performance.now();
      if (at - lastPrinted >= 3000 || done === total) {
        lastPrinted = at;
        stderr(`${line}\n`);
      }
    },
    log(message) {
      if (pending) stderr('\n');
      pending = false;
      stderr(`${tag}: ${message}\n`);
    },
    finish() {
      if (pending) stderr('\n');
      pending = false;
    },
  };
}
