import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitWithStdinEnv } from './command.ts';

export interface StartServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port, reported in `RunningServer.port`. */
  readonly port?: number;
  /** PeerServer path, default `/peerjs`. */
  readonly path?: string;
  /** Directories to serve: `dir` for `/`, or `/mount=dir`. */
  readonly statics?: readonly string[];
  /** PeerServer's EXPIRE delay for calls to absent peers; default 5000. */
  readonly expireTimeoutMs?: number;
  /** Start and supervise a local Janus (`--sfu`), with these extra `beckon serve` flags (e.g. `['--sfu-ice', 'vb0']`). */
  readonly sfu?: boolean | readonly string[];
  /** `--turn` URLs; needs `turnSecret`. */
  readonly turn?: readonly string[];
  /** coturn's static-auth-secret, passed in the environment (never on the command line). */
  readonly turnSecret?: string;
  /** Give up if the server has not said it listens by then. Default 15 s (30 s with an SFU). */
  readonly startTimeoutMs?: number;
}

export interface RunningServer {
  /** `http://host:port`; PeerJS clients use host, port and path. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly pid: number;
  /** The Janus WebSocket URL pages use, when started with an SFU. */
  readonly sfuUrl: string | undefined;
  /** SIGTERM, then waits for the process to exit (SIGKILL after 3 s). */
  close(): Promise<void>;
}

// Compiled (dist/serve/server.js) runs the published bin; the sources (src/serve/server.ts) run the workspace's tsx bin.
const fromSources = import.meta.url.endsWith('.ts');
const binPath = fileURLToPath(new URL(fromSources ? '../../bin/beckon-dev.js' : '../../bin/beckon.js', import.meta.url));
/** From the sources, workspace packages must resolve to their sources too (the `source` export condition). */
const nodeArgs = fromSources ? ['--conditions=source'] : [];
const listeningLine = /^beckon serve listening on (http:\/\/(.+):(\d+)) \(signalling path (\S+)\)$/m;

/**
 * Runs `beckon serve` as a child process and resolves once it listens. A child, because the PeerServer
 * keeps its process alive after it is closed (self re-arming timers); killing the process always ends it.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const args = ['serve', '--host', options.host ?? '127.0.0.1', '--port', String(options.port ?? 0)];
  if (options.path !== undefined) args.push('--path', options.path);
  for (const dir of options.statics ?? []) args.push('--static', dir);
  if (options.expireTimeoutMs !== undefined) args.push('--expire-timeout', String(options.expireTimeoutMs));
  if (options.sfu !== undefined && options.sfu !== false) args.push('--sfu', ...(options.sfu === true ? [] : options.sfu));
  for (const url of options.turn ?? []) args.push('--turn', url);
  const startTimeoutMs = options.startTimeoutMs ?? (options.sfu ? 30_000 : 15_000);

  const child = spawn(process.execPath, [...nodeArgs, binPath, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, [exitWithStdinEnv]: '1', ...(options.turnSecret !== undefined ? { BECKON_TURN_SECRET: options.turnSecret } : {}) },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`beckon serve did not start within ${startTimeoutMs} ms\n${stderr}`));
    }, startTimeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const found = listeningLine.exec(stdout);
      if (found === null) return;
      clearTimeout(timer);
      resolve(found);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`beckon serve exited with code ${code} before listening\n${stderr}`));
    });
  });
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout.resume();

  const [, url = '', host = '', port = '0', path = ''] = match;
  const sfuUrl = /^beckon serve sfu (\S+)$/m.exec(stdout)?.[1];
  return {
    url,
    host,
    port: Number(port),
    path,
    pid: child.pid ?? -1,
    sfuUrl,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
}
