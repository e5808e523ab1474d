import { describe, expect, it } from 'vitest';
import { anchor, renderReport, renderTable, renderTextTable } from './markdown.ts';
import type { Machine, StoredResult, Table } from './types.ts';

const table: Table = {
  title: 'Bytes',
  columns: [{ label: 'Message' }, { label: 'Bytes', align: 'right' }],
  rows: [
    ['Raise | hand', '12'],
    ['Snapshot', '475'],
  ],
};

const machine: Machine = { cores: 2, cpu: 'Test CPU', memoryGiB: 24, os: 'Linux 6 x64', node: 'v20.20.2', chromium: 'Chromium 140' };

function stored(name: string, date: string, overrides: Partial<StoredResult> = {}): StoredResult {
  return {
    name,
    title: `Bench ${name}`,
    description: `What ${name} measures.`,
    needs: [],
    date,
    command: `pnpm bench ${name}`,
    quick: false,
    durationMs: 1234,
    machine,
    result: {
      summary: `${name} is fast.`,
      tables: [table],
      charts: [{ id: 'bytes', title: `${name} chart`, unit: 'bytes', categories: ['a'], series: [{ name: 's', values: [{ value: 1 }] }] }],
      data: {},
    },
    ...overrides,
  };
}

describe('renderTable', () => {
  it('renders a Markdown table with alignment and escaped pipes', () => {
    expect(renderTable(table)).toBe(['| Message | Bytes |', '| --- | ---: |', '| Raise \\| hand | 12 |', '| Snapshot | 475 |'].join('\n'));
  });

  it('refuses a row with the wrong number of cells', () => {
    expect(() => renderTable({ ...table, rows: [['only one']] })).toThrow(/1 cells for 2 columns/);
  });

  it('pads columns for the terminal, right-aligning numbers', () => {
    const lines = renderTextTable(table).split('\n');
    expect(lines[0]).toBe('Bytes');
    expect(lines[1]).toBe('| Message      | Bytes |');
    expect(lines[2]).toBe('|--------------|------:|');
    expect(lines[4]).toBe('| Snapshot     |   475 |');
  });
});

describe('renderReport', () => {
  it('lists benchmarks in the given order with machine, command, tables and charts', () => {
    const report = renderReport([stored('zeta', '2026-01-02T10:00:00.000Z'), stored('alpha', '2026-01-01T09:30:00.000Z')], ['zeta', 'alpha']);
    expect(report.indexOf('## Bench zeta')).toBeLessThan(report.indexOf('## Bench alpha'));
    expect(report).toContain('Last run: 2026-01-02, `pnpm bench zeta`, on:');
    expect(report).toContain('- CPU: Test CPU, 2 cores');
    expect(report).toContain('- Chromium: Chromium 140');
    expect(report).toContain('Run 2026-01-01 09:30 UTC with `pnpm bench alpha` in 1.2 s.');
    const loaded = renderReport([stored('a', '2026-01-01T09:30:00.000Z', { loadAverage: 1.5 })], ['a']);
    expect(loaded).toContain('in 1.2 s (load average 1.50 at the start).');
    expect(report).toContain('![alpha chart](bench/alpha-bytes.svg)');
    expect(report).toContain('- [Bench zeta](#bench-zeta)');
    expect(report).toContain('### Bytes\n\n| Message | Bytes |');
    expect(report.endsWith('\n')).toBe(true);
    expect(report).not.toContain('\n\n\n');
  });

  it('flags quick runs, other machines and requirements', () => {
    const report = renderReport(
      [
        stored('a', '2026-01-02T00:00:00.000Z'),
        stored('b', '2026-01-01T00:00:00.000Z', { quick: true, needs: ['browser'], machine: { ...machine, cores: 8 } }),
      ],
      ['a', 'b'],
    );
    const b = report.slice(report.indexOf('## Bench b'));
    expect(b).toContain('**Quick run**');
    expect(b).toContain('Needs: browser.');
    expect(b).toContain('Measured on a different machine:');
    expect(b).toContain('8 cores');
    expect(report.slice(0, report.indexOf('## Bench b'))).not.toContain('Quick run');
  });

  it('says so when there are no results', () => {
    expect(renderReport([], [])).toContain('No results yet');
  });

  it('makes GitHub-style anchors', () => {
    expect(anchor('Codec: bytes and encode + decode throughput')).toBe('codec-bytes-and-encode--decode-throughput');
  });
});
