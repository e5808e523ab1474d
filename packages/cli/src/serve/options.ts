import { readFileSync, statSync } from 'node:fs';
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
  /** The SFU (Janus VideoRoom) for `@beckon/media`'s `sfu` topology; undefined: none. */
  readonly sfu: SfuOptions | undefined;
  /** Short-lived coturn credentials at `GET /turn`; undefined: none. */
  readonly turn: TurnOptions | undefined;
}

/** Either a Janus this process starts (`--sfu`) or one that runs already (`--sfu-url`). */
export type SfuOptions =
  | {
      readonly kind: 'local';
      readonly command: string;
      readonly wsHost: string;
      readonly wsPort: number;
      readonly iceInterfaces: readonly string[];
      readonly rtpPorts: readonly [number, number];
      /** The URL pages use, when not the API's own (behind a proxy, say). */
      readonly publicUrl: string | undefined;
      readonly debugLevel: number;
    }
  | { readonly kind: 'external'; readonly url: string; readonly adminKey: string; readonly publicUrl: string | undefined };

export interface TurnOptions {
  /** `turn:` / `turns:` URLs; `{host}` becomes the host name the page reached this server by. */
  readonly urls: readonly string[];
  /** coturn's `static-auth-secret`. */
  readonly secret: string;
  readonly ttlSeconds: number;
}

export const serveDefaults: ServeOptions = {
  host: '127.0.0.1',
  port: 9000,
  path: '/peerjs',
  statics: [],
  expireTimeoutMs: 5000,
  sfu: undefined,
  turn: undefined,
};

export const serveUsage = `Usage: beckon serve [options]
  --host <addr>           address to listen on (default 127.0.0.1)
  --port <n>              port, 0 for any free one (default 9000)
  --path </p>             PeerServer signalling path (default /peerjs)
  --static <dir>          serve a directory at / (repeatable)
  --static </mount=dir>   serve a directory under /mount
  --expire-timeout <ms>   how soon a peer learns that the peer it called is absent (default 5000)
SFU (Janus VideoRoom, for @beckon/media's 'sfu' topology):
  --sfu                   start and supervise a local Janus (apt-get install -y janus) with a generated config
  --sfu-port <n>          its WebSocket API port, 0 for any free one (default 8188; on --sfu-host, default 127.0.0.1)
  --sfu-host <addr>       address of its WebSocket API (default 127.0.0.1)
  --sfu-ice <if,...>      interfaces or address prefixes ICE may use (default: all but loopback)
  --sfu-rtp-ports <a-b>   UDP port range for media (default 20000-20999)
  --sfu-public-url <ws>   the Janus URL pages use, if not ws://sfu-host:sfu-port
  --sfu-janus <path>      the janus executable (default janus)
  --sfu-url <ws>          use a running Janus instead; needs --sfu-admin-key (or BECKON_SFU_ADMIN_KEY)
  --sfu-admin-key <key>   that Janus's VideoRoom admin_key
TURN (coturn with use-auth-secret):
  --turn <url>            a turn:/turns: URL handed to pages (repeatable; {host} = the host the page used)
  --turn-secret-file <f>  coturn's static-auth-secret (or BECKON_TURN_SECRET)
  --turn-ttl <s>          how long a credential lasts (default 3600)
Serves GET /health as {"ok":true,"peers":N,"uptimeMs":...,"sfu":...}; with --sfu or --sfu-url, POST /sfu/rooms
(a private room, its secret, pin and host token); with --turn, GET /turn (iceServers with credentials).
Stops cleanly (Janus included) on SIGINT or SIGTERM.`;

export type ParseResult = { readonly ok: true; readonly options: ServeOptions } | { readonly ok: false; readonly error: string };

/** Parses `beckon serve` arguments; `--flag value` and `--flag=value` both work. */
export function parseServeArgs(argv: readonly string[]): ParseResult {
  let { host, port, path, expireTimeoutMs } = serveDefaults;
  const statics: StaticMount[] = [];
  const sfu = { enabled: false, command: 'janus', wsHost: '127.0.0.1', wsPort: 8188, iceInterfaces: [] as string[], rtpPorts: [20000, 20999] as [number, number], publicUrl: undefined as string | undefined, url: undefined as string | undefined, adminKey: process.env['BECKON_SFU_ADMIN_KEY'], debugLevel: 3 };
  const turnUrls: string[] = [];
  let turnSecret = process.env['BECKON_TURN_SECRET'];
  let turnTtl = 3600;
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
      case '--sfu':
        if (eq !== -1) return { ok: false, error: '--sfu takes no value' };
        sfu.enabled = true;
        break;
      case '--sfu-port': {
        value = takeValue();
        if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) return { ok: false, error: `--sfu-port needs 0-65535, got "${value ?? ''}"` };
        sfu.wsPort = Number(value);
        break;
      }
      case '--sfu-host':
      case '--sfu-janus':
      case '--sfu-public-url':
      case '--sfu-url':
      case '--sfu-admin-key':
      case '--turn':
      case '--turn-secret-file': {
        value = takeValue();
        if (!value) return { ok: false, error: `${flag} needs a value` };
        if (flag === '--sfu-host') sfu.wsHost = value;
        else if (flag === '--sfu-janus') sfu.command = value;
        else if (flag === '--sfu-public-url') sfu.publicUrl = value;
        else if (flag === '--sfu-url') sfu.url = value;
        else if (flag === '--sfu-admin-key') sfu.adminKey = value;
        else if (flag === '--turn') {
          if (!/^turns?:/.test(value)) return { ok: false, error: `--turn needs a turn: or turns: URL, got "${value}"` };
          turnUrls.push(value);
        } else {
          try {
            turnSecret = readFileSync(value, 'utf8').trim();
          } catch {
            return { ok: false, error: `--turn-secret-file: cannot read "${value}"` };
          }
        }
        break;
      }
      case '--sfu-ice':
        value = takeValue();
        if (!value) return { ok: false, error: '--sfu-ice needs interface names' };
        sfu.iceInterfaces = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
        break;
      case '--sfu-rtp-ports': {
        value = takeValue();
        const range = /^(\d+)-(\d+)$/.exec(value ?? '');
        const [first, last] = [Number(range?.[1]), Number(range?.[2])];
        if (!range || first < 1024 || last > 65535 || last - first < 10) return { ok: false, error: `--sfu-rtp-ports needs a range like 20000-20999, got "${value ?? ''}"` };
        sfu.rtpPorts = [first, last];
        break;
      }
      case '--turn-ttl': {
        value = takeValue();
        if (value === undefined || !/^\d+$/.test(value) || Number(value) < 60) return { ok: false, error: `--turn-ttl needs seconds (60 or more), got "${value ?? ''}"` };
        turnTtl = Number(value);
        break;
      }
      default:
        return { ok: false, error: `unknown argument "${arg}"` };
    }
  }
  if (sfu.enabled && sfu.url !== undefined) return { ok: false, error: '--sfu starts a Janus, --sfu-url uses one: not both' };
  if (sfu.url !== undefined && !sfu.adminKey) return { ok: false, error: '--sfu-url needs --sfu-admin-key (or BECKON_SFU_ADMIN_KEY): rooms are created with it' };
  if (turnUrls.length > 0 && !turnSecret) return { ok: false, error: '--turn needs --turn-secret-file (or BECKON_TURN_SECRET): the shared secret of coturn' };
  const sfuOptions: SfuOptions | undefined = sfu.url !== undefined
    ? { kind: 'external', url: sfu.url, adminKey: sfu.adminKey ?? '', publicUrl: sfu.publicUrl }
    : sfu.enabled
      ? { kind: 'local', command: sfu.command, wsHost: sfu.wsHost, wsPort: sfu.wsPort, iceInterfaces: sfu.iceInterfaces, rtpPorts: sfu.rtpPorts, publicUrl: sfu.publicUrl, debugLevel: sfu.debugLevel }
      : undefined;
  const turn: TurnOptions | undefined = turnUrls.length > 0 ? { urls: turnUrls, secret: turnSecret ?? '', ttlSeconds: turnTtl } : undefined;
  return { ok: true, options: { host, port, path, statics, expireTimeoutMs, sfu: sfuOptions, turn } };
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
