import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartPath, renderReport } from './markdown.ts';
import { renderBarChart } from './svg.ts';
import type { StoredResult } from './types.ts';

/** Reads every stored result in <docsDir>/bench/*.json. */
export function readStoredResults(docsDir: string): StoredResult[] {
  const dir = join(docsDir, 'bench');
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as StoredResult);
}

/** Writes one result's JSON and charts. */
export function writeStoredResult(docsDir: string, stored: StoredResult): void {
  mkdirSync(join(docsDir, 'bench'), { recursive: true });
  writeFileSync(join(docsDir, 'bench', `${stored.name}.json`), `${JSON.stringify(stored, null, 2)}\n`);
  for (const chart of stored.result.charts) {
    writeFileSync(join(docsDir, chartPath(stored.name, chart.id)), renderBarChart(chart));
  }
}

/** Regenerates <docsDir>/benchmarks.md from every stored result. */
export function writeReport(docsDir: string, order: readonly string[]): string {
  const path = join(docsDir, 'benchmarks.md');
  writeFileSync(path, renderReport(readStoredResults(docsDir), order));
  return path;
}
