import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../harness/types.ts';
import { conditionArgs } from './conditions.ts';

/** What a lab task reports back while it runs. */
export interface LabReporter {
  progress(done: number, total: number, label: string): void;
  log(message: string): void;
}

/** A task run inside the lab: a named export of a module under src/, taking JSON in and giving JSON out. */
export type LabTask<I, O> = (input: I, reporter: LabReporter) => Promise<O>;

export interface LabRun<O> {
  readonly result: O;
  /** True when the task ran in a loopback-only network namespace of its own; false when none could be made. */
  readonly isolated: boolean;
}

const childPath = fileURLToPath(new URL('./child.ts', import.meta.url));
const benchDir = fileURLToPath(new URL('../../', import.meta.url));
/** Lines the child writes on stdout with this prefix are messages to the parent; the rest is passed through. */
export const labLinePrefix = '\u0001lab ';

let namespaceSupport: boolean | undefined;

/** Whether this process may create a network namespace (root, with unshare and ip). */
export function canIsolate(): boolean {
  namespaceSupport ??=
    process.platform === 'linux' &&
    spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return namespaceSupport;
}

/**
 * Runs `exportName` of `modulePath` (relative to packages/bench/src) in a child process inside a new network
 * namespace with only a loopback interface: WebRTC can only use 127.0.0.1, nothing leaves the machine, and
 * the namespace disappears with the process. Without the privileges for one, runs the child unisolated and
 * says so in the result.
 */
export async function runInLab<I, O>(ctx: BenchContext, modulePath: string, exportName: string, input: I, timeoutMs: number): Promise<LabRun<O>> {
  const isolated = canIsolate();
  if (!isolated) ctx.log('cannot create a network namespace (needs root, unshare and ip): running on the host network');
  const result = await runTask<I, O>(ctx, modulePath, exportName, input, timeoutMs, isolated);
  return { result, isolated };
}

/** Runs a lab task in a child process (in a new namespace when `isolate`), relaying its progress to `reporter`. */
export async function runTask<I, O>(
  reporter: LabReporter,
  modulePath: string,
  exportName: string,
  input: I,
  timeoutMs: number,
  isolate = false,
): Promise<O> {
  const ctx = reporter;
  // The child reads the packages as the parent does: their built dist/ under `pnpm bench` (what ships), the TypeScript
  // sources in tests that run with the `source` condition.
  const conditions = conditionArgs(process.execArgv);
  const nodeArgs = [...conditions, '--import', 'tsx', childPath, modulePath, exportName, JSON.stringify(input)];
  const [command, args] = isolate
    ? ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'beckon-lab', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(command as string, args as string[], { cwd: benchDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let result: { ok: true; value: O } | { ok: false; error: string } | undefined;
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith(labLinePrefix)) {
        if (line.trim() !== '') ctx.log(`lab: ${line}`);
        continue;
      }
      const message = JSON.parse(line.slice(labLinePrefix.length)) as
        | { progress: [number, number, string] }
        | { log: string }
        | { result: O }
        | { error: string };
      if ('progress' in message) ctx.progress(...message.progress);
      else if ('log' in message) ctx.log(message.log);
      else if ('result' in message) result = { ok: true, value: message.result };
      else result = { ok: false, error: message.error };
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    // Keep the tail only: enough to explain a crash.
    stderr = (stderr + chunk).slice(-8000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // 'close', not 'exit': 'exit' can come while the last of stdout is still in the pipe, unread.
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  if (result?.ok === true) return result.value;
  if (result?.ok === false) throw new Error(`lab task ${exportName} failed: ${result.error}`);
  throw new Error(`lab task ${exportName} exited (code ${code}) without a result${code === null ? ` (killed after ${timeoutMs} ms?)` : ''}\n${stderr}`);
}
