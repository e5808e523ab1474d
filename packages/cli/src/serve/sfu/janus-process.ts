import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { janusInfo } from './janus-api.ts';
import { janusConfigFiles, janusLibDir } from './janus-config.ts';

export interface JanusProcessOptions {
  /** The executable, `janus` on PATH by default. */
  readonly command: string;
  readonly wsHost: string;
  /** 0 picks a free port. */
  readonly wsPort: number;
  readonly iceInterfaces: readonly string[];
  readonly rtpPorts: readonly [number, number];
  readonly debugLevel: number;
  /** Janus's output goes here (beckon serve's stderr by default). */
  readonly log?: (line: string) => void;
}

export type JanusState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

/** A Janus the `beckon serve` process started and looks after. */
export interface SupervisedJanus {
  /** `ws://host:port` of its WebSocket API. */
  readonly url: string;
  readonly adminKey: string;
  readonly state: JanusState;
  readonly pid: number | undefined;
  readonly restarts: number;
  /** SIGTERM, SIGKILL after 3 s; removes the generated configuration. */
  stop(): Promise<void>;
}

/** Raised when there is no Janus to start: the message says how to get one. */
export class JanusMissingError extends Error {}

const readyTimeoutMs = 15_000;
const maxRestarts = 5;

export function janusInstallHint(command: string): string {
  return `Janus WebRTC Server is not installed (no "${command}" that runs). On Debian or Ubuntu: apt-get install -y janus ` +
    '(Janus 1.1 with the VideoRoom plugin); elsewhere see https://janus.conf.meetecho.com/docs/README.html. ' +
    'Or point --sfu-url at a Janus that runs already (with --sfu-admin-key, the VideoRoom admin_key).';
}

/** Generates a configuration folder, starts Janus on it, and waits until its WebSocket API answers. */
export async function startJanus(options: JanusProcessOptions): Promise<SupervisedJanus> {
  const probe = spawnSync(options.command, ['-V'], { encoding: 'utf8' });
  // `janus -V` prints its version and exits 1.
  if (probe.error !== undefined || !/Janus version/.test(`${probe.stdout}${probe.stderr}`)) throw new JanusMissingError(janusInstallHint(options.command));
  const wsPort = options.wsPort === 0 ? await freeTcpPort(options.wsHost) : options.wsPort;
  const configDir = mkdtempSync(path.join(tmpdir(), 'beckon-janus-'));
  const adminKey = randomBytes(24).toString('base64url');
  const files = janusConfigFiles({ ...options, wsPort, adminKey, libDir: janusLibDir, configDir });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(configDir, name), text, { mode: 0o600 });
  const hostForUrl = options.wsHost.includes(':') ? `[${options.wsHost}]` : options.wsHost;
  const url = `ws://${hostForUrl}:${wsPort}`;
  const log = options.log ?? ((line: string) => process.stderr.write(`janus: ${line}\n`));

  let child: ChildProcess | undefined;
  let state: JanusState = 'starting';
  let restarts = 0;
  let stopping = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  const launch = (): ChildProcess => {
    // -F: our folder only; -N: no colours in the log; the config has no daemon or pid file.
    const started = spawn(options.command, ['-F', configDir, '-N'], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [started.stdout, started.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') log(line);
      });
    }
    started.once('exit', (code, signal) => {
      if (stopping || child !== started) return;
      // Crashed or killed from outside: start again (a few times), rooms are gone and clients reconnect.
      if (restarts >= maxRestarts) {
        state = 'failed';
        log(`exited (${signal ?? code}); given up after ${maxRestarts} restarts`);
        return;
      }
      state = 'restarting';
      restarts += 1;
      log(`exited (${signal ?? code}); restarting (${restarts}/${maxRestarts})`);
      restartTimer = setTimeout(() => {
        child = launch();
        void waitReady(url, child).then((ok) => {
          if (ok && !stopping) state = 'running';
        });
      }, 500 * restarts);
    });
    return started;
  };

  child = launch();
  if (!(await waitReady(url, child))) {
    stopping = true;
    child.kill('SIGKILL');
    rmSync(configDir, { recursive: true, force: true });
    throw new Error(`Janus did not answer on ${url} within ${readyTimeoutMs} ms (see its log above)`);
  }
  state = 'running';

  return {
    url,
    adminKey,
    get state() {
      return state;
    },
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    stop: async () => {
      if (stopping) return;
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (running && running.exitCode === null && running.signalCode === null) {
        const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
        running.kill('SIGTERM');
        const killer = setTimeout(() => running.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(killer);
      }
      state = 'stopped';
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      await janusInfo(url);
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}

function freeTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
