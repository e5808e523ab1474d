// Three network namespaces for the TURN test: two peers that can reach only the relay host between them.
//   peer A (10.71.1.2) ── veth ── relay host (10.71.1.1 | 10.71.2.1) ── veth ── peer B (10.71.2.2)
// The relay host is the namespace this process runs in (scripts/netns.sh's); it does not forward (a fresh
// namespace has ip_forward 0), so A and B have no route to each other: only coturn on the relay host joins them.
// Each peer namespace belongs to a `sleep` process, so it goes away with it; programs enter it with nsenter.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PeerNamespace {
  readonly pid: number;
  /** The peer's own address. */
  readonly address: string;
  /** The relay host's address on this peer's link. */
  readonly relayAddress: string;
  /** Runs a command inside the namespace; returns its exit status. */
  run(command: string, args: readonly string[]): number;
  /** An executable that starts `program` inside the namespace (for playwright's executablePath). */
  wrap(program: string): string;
}

export interface TurnNetwork {
  readonly a: PeerNamespace;
  readonly b: PeerNamespace;
  close(): void;
}

function ip(args: readonly string[], pid?: number): void {
  const command = pid === undefined ? 'ip' : 'nsenter';
  const full = pid === undefined ? [...args] : ['-t', String(pid), '-n', 'ip', ...args];
  execFileSync(command, full, { stdio: 'pipe' });
}

async function peer(index: number, dir: string, sleepers: ChildProcess[]): Promise<PeerNamespace> {
  const sleeper = spawn('unshare', ['-n', 'sleep', 'infinity'], { stdio: 'ignore' });
  sleepers.push(sleeper);
  const pid = sleeper.pid!;
  // unshare has to have switched namespaces before the veth end can move in.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      const mine = execFileSync('readlink', [`/proc/${process.pid}/ns/net`], { encoding: 'utf8' });
      const its = execFileSync('readlink', [`/proc/${pid}/ns/net`], { encoding: 'utf8' });
      if (mine !== its) break;
    } catch {
      // not there yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const relay = `tr${index}`;
  const inner = `tp${index}`;
  const relayAddress = `10.71.${index}.1`;
  const address = `10.71.${index}.2`;
  ip(['link', 'add', relay, 'type', 'veth', 'peer', 'name', inner]);
  ip(['link', 'set', inner, 'netns', String(pid)]);
  ip(['addr', 'add', `${relayAddress}/24`, 'dev', relay]);
  ip(['link', 'set', relay, 'up']);
  ip(['link', 'set', 'lo', 'up'], pid);
  ip(['addr', 'add', `${address}/24`, 'dev', inner], pid);
  ip(['link', 'set', inner, 'up'], pid);
  return {
    pid,
    address,
    relayAddress,
    run: (command, args) => {
      try {
        execFileSync('nsenter', ['-t', String(pid), '-n', command, ...args], { stdio: 'pipe', timeout: 10_000 });
        return 0;
      } catch (error: unknown) {
        return (error as { status?: number }).status ?? 1;
      }
    },
    wrap: (program) => {
      const file = path.join(dir, `in-${index}-${path.basename(program)}`);
      writeFileSync(file, `#!/bin/sh\nexec nsenter -t ${pid} -n ${program} "$@"\n`);
      chmodSync(file, 0o755);
      return file;
    },
  };
}

/** Builds the two peer namespaces and their links to this one. Needs root inside a test namespace. */
export async function createTurnNetwork(): Promise<TurnNetwork> {
  const dir = mkdtempSync(path.join(tmpdir(), 'beckon-turn-net-'));
  const sleepers: ChildProcess[] = [];
  const close = (): void => {
    for (const sleeper of sleepers) sleeper.kill('SIGKILL');
    for (const name of ['tr1', 'tr2']) {
      try {
        ip(['link', 'del', name]);
      } catch {
        // gone with its namespace
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const a = await peer(1, dir, sleepers);
    const b = await peer(2, dir, sleepers);
    return { a, b, close };
  } catch (error: unknown) {
    close();
    throw error;
  }
}
