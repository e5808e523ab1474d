import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBenchmarks, selectBenchmarks } from './run.ts';
import type { Benchmark, Machine } from './types.ts';

const machine: Machine = { cores: 2, cpu: 'Test CPU', memoryGiB: 24, os: 'Linux', node: 'v20' };

function fake(name: string, value: number, fail = false): Benchmark {
  return {
    name,
    title: `Fake ${name}`,
    description: `Measures ${name}.`,
    async run(ctx) {
      ctx.progress(1, 2, 'half');
      ctx.progress(2, 2, 'all');
      if (fail) throw new Error(`${name} broke`);
      return {
        summary: `${name} value ${value}`,
        tables: [{ title: `${name} table`, columns: [{ label: 'k' }, { label: 'v' }], rows: [['value', String(value)]] }],
        charts: [{ id: 'main', title: `${name} chart`, unit: 'units', categories: ['value'], series: [{ name: 'v', values: [{ value }] }] }],
        data: { value, quick: ctx.quick },
      };
    },
  };
}

const dirs: string[] = [];
function tempDocs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-bench-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(docsDir: string, benchmarks: Benchmark[], names: string[], out: string[] = []) {
  return runBenchmarks({
    benchmarks,
    names,
    quick: true,
    write: true,
    docsDir,
    command: ['pnpm bench', ...names].join(' '),
    machine,
    stdout: (text) => out.push(text),
    stderr: (text) => out.push(text),
  });
}

describe('selectBenchmarks', () => {
  it('runs all by default, the named ones in list order otherwise, and refuses unknown names', () => {
    const list = [fake('a', 1), fake('b', 2), fake('c', 3)];
    expect(selectBenchmarks(list, []).map((b) => b.name)).toEqual(['a', 'b', 'c']);
    expect(selectBenchmarks(list, ['c', 'a']).map((b) => b.name)).toEqual(['a', 'c']);
    expect(() => selectBenchmarks(list, ['nope'])).toThrow(/Unknown benchmark nope; known: a, b, c/);
  });
});

describe('runBenchmarks', () => {
  it('stores JSON and SVG per benchmark, prints tables and progress, and writes the report', async () => {
    const docs = tempDocs();
    const out: string[] = [];
    const outcome = await run(docs, [fake('a', 1), fake('b', 2)], [], out);
    expect(outcome.failures).toEqual([]);
    expect(readdirSync(join(docs, 'bench')).sort()).toEqual(['a-main.svg', 'a.json', 'b-main.svg', 'b.json']);
    const a = JSON.parse(readFileSync(join(docs, 'bench', 'a.json'), 'utf8'));
    expect(a).toMatchObject({ name: 'a', command: 'pnpm bench', quick: true, machine, result: { data: { value: 1, quick: true } } });
    const printed = out.join('');
    expect(printed).toContain('[1/2] a: Fake a');
    expect(printed).toContain('[2/2] b: 2/2 all');
    expect(printed).toContain('| value | 2 |');
    const report = readFileSync(join(docs, 'benchmarks.md'), 'utf8');
    expect(report).toContain('## Fake a');
    expect(report).toContain('![b chart](bench/b-main.svg)');
  });

  it("keeps the other benchmarks' sections when a subset runs", async () => {
    const docs = tempDocs();
    await run(docs, [fake('a', 1), fake('b', 2)], []);
    await run(docs, [fake('a', 10), fake('b', 20)], ['b']);
    const report = readFileSync(join(docs, 'benchmarks.md'), 'utf8');
    expect(report).toContain('a value 1');
    expect(report).toContain('b value 20');
    expect(report).not.toContain('b value 2\n');
    expect(report.indexOf('## Fake a')).toBeLessThan(report.indexOf('## Fake b'));
  });

  it('reports a failing benchmark, keeps its previous result and still runs the rest', async () => {
    const docs = tempDocs();
    await run(docs, [fake('a', 1), fake('b', 2)], []);
    const out: string[] = [];
    const outcome = await run(docs, [fake('a', 5, true), fake('b', 6)], [], out);
    expect(outcome.failures.map((f) => f.name)).toEqual(['a']);
    expect(out.join('')).toContain('a: FAILED: Error: a broke');
    const report = readFileSync(join(docs, 'benchmarks.md'), 'utf8');
    expect(report).toContain('a value 1');
    expect(report).toContain('b value 6');
  });
});
