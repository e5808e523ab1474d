// Runs a consumer app's commands as its user would (npx, the app's own node_modules/.bin), under a chosen Node.
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface NodeVersion {
  readonly label: string;
  /** The `node` binary; its folder goes first on PATH, so npx and every `#!/usr/bin/env node` bin run on it. */
  readonly bin: string;
}

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function envFor(node: NodeVersion): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env['PATH'] ?? ''}` };
  // Nothing of the workspace may leak into the app: no inherited node options, no vitest or pnpm settings.
  for (const key of Object.keys(env)) if (/^(NODE_OPTIONS|VITEST|npm_|PNPM_|TSX_)/i.test(key)) delete env[key];
  return env;
}

/** Runs `command args` in `cwd` to completion. */
export function run(node: NodeVersion, cwd: string, command: string, args: readonly string[], timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: envFor(node), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Serving {
  readonly port: number;
  close(): Promise<void>;
}

/** `npx beckon serve --port 0` in `cwd`; resolves once it prints its listening line. */
export function beckonServe(node: NodeVersion, cwd: string): Promise<Serving> {
  // Its own process group, so stopping it stops npx and the server npx started.
  const child = spawn('npx', ['--no', '--', 'beckon', 'serve', '--host', '127.0.0.1', '--port', '0'], {
    cwd,
    env: envFor(node),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`npx beckon serve did not start:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (listening === null) return;
      clearTimeout(timer);
      resolve({ port: Number(listening[1]), close });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`npx beckon serve exited before listening:\n${output}`));
    });
  });
}
