import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/** A directory served over HTTP, under `mount` (`/` for the site root). */
export interface StaticMount {
  readonly mount: string;
  readonly dir: string;
}

export interface ServeOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the PeerServer is mounted; clients use it as PeerJS's `path`. */
  readonly path: string;
  readonly statics: readonly StaticMount[];
  /** How long the PeerServer keeps a message for a peer that is not there before it answers EXPIRE. */
  readonly expireTimeoutMs: number;
}

export const serveDefaults: ServeOptions = {
  host: '127.0.0.1',
  port: 9000,
  path: '/peerjs',
  statics: [],
  expireTimeoutMs: 5000,
};

export const serveUsage = `Usage: beckon serve [options]
  --host <addr>           address to listen on (default 127.0.0.1)
  --port <n>              port, 0 for any free one (default 9000)
  --path </p>             PeerServer signalling path (default /peerjs)
  --static <dir>          serve a directory at / (repeatable)
  --static </mount=dir>   serve a directory under /mount
  --expire-timeout <ms>   how soon a peer learns that the peer it called is absent (default 5000)
Serves GET /health as {"ok":true,"peers":N,"uptimeMs":...}. Stops cleanly on SIGINT or SIGTERM.`;

export type ParseResult = { readonly ok: true; readonly options: ServeOptions } | { readonly ok: false; readonly error: string };

/** Parses `beckon serve` arguments; `--flag value` and `--flag=value` both work. */
export function parseServeArgs(argv: readonly string[]): ParseResult {
  let { host, port, path, expireTimeoutMs } = serveDefaults;
  const statics: StaticMount[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    let value: string | undefined;
    const takeValue = (): string | undefined => {
      if (eq !== -1) return arg.slice(eq + 1);
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--host':
        value = takeValue();
        if (!value) return { ok: false, error: '--host needs an address' };
        host = value;
        break;
      case '--port': {
        value = takeValue();
        const n = Number(value);
        if (value === undefined || !/^\d+$/.test(value) || n > 65535) return { ok: false, error: `--port needs 0-65535, got "${value ?? ''}"` };
        port = n;
        break;
      }
      case '--path':
        value = takeValue();
        if (!value?.startsWith('/')) return { ok: false, error: `--path must start with "/", got "${value ?? ''}"` };
        path = value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
        break;
      case '--static': {
        value = takeValue();
        if (!value) return { ok: false, error: '--static needs a directory' };
        const mounted = parseStatic(value);
        if (typeof mounted === 'string') return { ok: false, error: mounted };
        statics.push(mounted);
        break;
      }
      case '--expire-timeout': {
        value = takeValue();
        const n = Number(value);
        if (value === undefined || !/^\d+$/.test(value) || n < 1) return { ok: false, error: `--expire-timeout needs milliseconds, got "${value ?? ''}"` };
        expireTimeoutMs = n;
        break;
      }
      default:
        return { ok: false, error: `unknown argument "${arg}"` };
    }
  }
  return { ok: true, options: { host, port, path, statics, expireTimeoutMs } };
}

function parseStatic(value: string): StaticMount | string {
  // "/mount=dir" mounts under a path; anything else (absolute paths included) is a directory for "/".
  const eq = value.indexOf('=');
  const mounted = value.startsWith('/') && eq > 0;
  const mount = mounted ? value.slice(0, eq).replace(/\/+$/, '') || '/' : '/';
  const dir = resolve(mounted ? value.slice(eq + 1) : value);
  try {
    if (!statSync(dir).isDirectory()) return `--static: "${dir}" is not a directory`;
  } catch {
    return `--static: "${dir}" does not exist`;
  }
  return { mount, dir };
}
