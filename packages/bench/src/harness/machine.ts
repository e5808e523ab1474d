import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { Machine } from './types.ts';

const chromiumPath = '/usr/bin/chromium';

export function describeThisMachine(): Machine {
  const cpus = os.cpus();
  const chromium = chromiumVersion();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...(chromium === undefined ? {} : { chromium }),
  };
}

function chromiumVersion(): string | undefined {
  if (!existsSync(chromiumPath)) return undefined;
  try {
    return execFileSync(chromiumPath, ['--version'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
