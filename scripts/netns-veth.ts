// Janus's ICE (libnice) gathers no candidates on loopback alone, so SFU tests give the loopback-only test
// namespace (scripts/netns.sh) one veth pair on addresses of the benchmarking range, 198.18.0.0/15, which
// goes nowhere: traffic still never leaves the machine. Only inside a namespace that has nothing but `lo`
// (never on a developer's real network); elsewhere Janus uses the machine's own interfaces.
import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

export interface TestInterface {
  /** Janus's side: `--sfu-ice` gets this name. */
  readonly name: string;
  readonly address: string;
}

const janusSide: TestInterface = { name: 'vb0', address: '198.18.0.1' };

/** The interface Janus should use in tests, creating it when the namespace is the bare test one; undefined: any. */
export function ensureTestInterface(): TestInterface | undefined {
  const names = Object.keys(networkInterfaces());
  if (names.includes(janusSide.name)) return janusSide;
  const onlyLoopback = names.every((name) => name === 'lo');
  if (!onlyLoopback || process.getuid?.() !== 0) return undefined;
  try {
    const ip = (...args: string[]): void => {
      execFileSync('ip', args, { stdio: 'pipe' });
    };
    ip('link', 'add', 'vb0', 'type', 'veth', 'peer', 'name', 'vb1');
    ip('addr', 'add', '198.18.0.1/24', 'dev', 'vb0');
    ip('addr', 'add', '198.18.0.2/24', 'dev', 'vb1');
    ip('link', 'set', 'vb0', 'up');
    ip('link', 'set', 'vb1', 'up');
  } catch (error: unknown) {
    // Another test file in the same namespace made it first.
    if (!Object.keys(networkInterfaces()).includes(janusSide.name)) throw error;
  }
  return janusSide;
}
