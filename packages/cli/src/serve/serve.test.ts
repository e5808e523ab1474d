import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultLanes } from '@beckon/core';
import type { Link } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { parseServeArgs } from './options.ts';
import { startServer } from './server.ts';

const bin = fileURLToPath(new URL('../../bin/beckon-dev.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

interface Cli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the real `beckon serve` and waits for its listening line. */
async function runServe(args: readonly string[]): Promise<Cli> {
  const child = spawn(process.execPath, ['--conditions=source', bin, 'serve', ...args]);
  children.push(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /^beckon serve listening on http:\/\/127\.0\.0\.1:(\d+) \(signalling path \/peerjs\)$/m.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 10);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`beckon serve exited early:\n${output}`));
    });
  });
  return { child, port, output: () => output, exited };
}

/** Runs the CLI to completion, for argument errors. */
async function runToExit(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--conditions=source', bin, 'serve', ...args]);
  children.push(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  cleanupNodeWebRTC();
});

describe('beckon serve', () => {
  it('reports health, serves static files, brokers two PeerJS peers, and exits 0 on SIGTERM', async () => {
    const root = mkdtempSync(join(tmpdir(), 'beckon-serve-'));
    writeFileSync(join(root, 'index.html'), '<h1>lesson</h1>');
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    const cli = await runServe(['--port', '0', '--static', root, '--static', `/static=${join(root, 'assets')}`]);
    const base = `http://127.0.0.1:${cli.port}`;

    const health = (await (await fetch(`${base}/health`)).json()) as { ok: boolean; peers: number; uptimeMs: number };
    expect(health).toMatchObject({ ok: true, peers: 0 });
    expect(health.uptimeMs).toBeGreaterThanOrEqual(0);

    const page = await fetch(`${base}/index.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<h1>lesson</h1>');
    expect(await (await fetch(`${base}/static/app.js`)).text()).toBe('console.log(1)');
    expect((await fetch(`${base}/static/missing.js`)).status).toBe(404);

    installNodeWebRTC();
    const options = { host: '127.0.0.1', port: cli.port, path: '/peerjs' };
    const a = await createPeerJsTransport({ ...options, id: 'serve-test-a' });
    const b = await createPeerJsTransport({ ...options, id: 'serve-test-b' });
    try {
      const peers = ((await (await fetch(`${base}/health`)).json()) as { peers: number }).peers;
      expect(peers).toBe(2);
      const accepted = new Promise<Link>((resolve) => b.listen({ lanes: defaultLanes }, resolve));
      const near = await a.connect('serve-test-b', { lanes: defaultLanes });
      const far = await accepted;
      const received = new Promise<Uint8Array>((resolve) =>
        far.channels.get('reliable')!.setHandlers({
          onOpen() {},
          onClose() {},
          onError() {},
          onBufferedAmountLow() {},
          onMessage: resolve,
        }),
      );
      near.channels.get('reliable')!.send(Uint8Array.of(7, 8, 9));
      expect(Array.from(await received)).toEqual([7, 8, 9]);
    } finally {
      await a.close();
      await b.close();
    }

    const stopped = Date.now();
    cli.child.kill('SIGTERM');
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(2000);
    expect(await portAccepts(cli.port)).toBe(false);
    expect(cli.output()).toMatch(/beckon serve stopped \(SIGTERM\)/);
  });

  it('exits 0 on SIGINT too', async () => {
    const cli = await runServe(['--port', '0']);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
    expect(await portAccepts(cli.port)).toBe(false);
  });

  it('exits 1 with usage on bad arguments', async () => {
    for (const args of [['--port', 'x'], ['--bogus'], ['--path', 'nope'], ['--static', '/does/not/exist']]) {
      const { code, output } = await runToExit(args);
      expect(code, args.join(' ')).toBe(1);
      expect(output).toMatch(/Usage: beckon serve/);
    }
  });

  it('exits 1 when the port is taken', async () => {
    const first = await runServe(['--port', '0']);
    const { code, output } = await runToExit(['--port', String(first.port)]);
    expect(code).toBe(1);
    expect(output).toMatch(/cannot listen/);
  });
});

describe('startServer', () => {
  it('runs the server as a child process and stops it on close', async () => {
    const server = await startServer({ path: '/signal' });
    expect(server.path).toBe('/signal');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    // PeerServer answers under the chosen path.
    expect((await fetch(`${server.url}/signal`)).status).toBe(200);
    await server.close();
    expect(await portAccepts(server.port)).toBe(false);
    await server.close();
  });

  it('rejects when the server cannot start', async () => {
    const first = await startServer();
    try {
      await expect(startServer({ port: first.port })).rejects.toThrow(/exited with code 1/);
    } finally {
      await first.close();
    }
  });
});

describe('parseServeArgs', () => {
  it('applies defaults and reads both flag forms', () => {
    expect(parseServeArgs([])).toEqual({
      ok: true,
      options: { host: '127.0.0.1', port: 9000, path: '/peerjs', statics: [], expireTimeoutMs: 5000 },
    });
    const parsed = parseServeArgs(['--port=0', '--host', '0.0.0.0', '--path', '/p/', '--static', `/m/=${tmpdir()}`]);
    expect(parsed).toEqual({
      ok: true,
      options: { host: '0.0.0.0', port: 0, path: '/p', statics: [{ mount: '/m', dir: tmpdir() }], expireTimeoutMs: 5000 },
    });
  });

  it('rejects out-of-range ports and missing values', () => {
    expect(parseServeArgs(['--port', '70000']).ok).toBe(false);
    expect(parseServeArgs(['--port']).ok).toBe(false);
    expect(parseServeArgs(['--expire-timeout', '0']).ok).toBe(false);
  });
});
