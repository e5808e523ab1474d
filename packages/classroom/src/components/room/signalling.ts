/**
 * Where `<beckon-room>` finds its signalling server and which ICE servers (STUN/TURN) its connections use. A lesson
 * page and `beckon serve` may live on different origins (a school's LMS and a signalling host), so both come from
 * attributes or properties instead of the page's own address.
 */

/** A PeerServer's address, as `createPeerJsTransport` takes it. */
export interface SignallingServer {
  readonly host: string;
  readonly port: number;
  /** Mount path, for example `/peerjs`. */
  readonly path: string;
  readonly secure: boolean;
  /** PeerServer key; `peerjs` unless the server was started with another. */
  readonly key?: string;
}

/** What the page may give: a URL (`https://signal.example.org/peerjs`) or the parts. */
export type SignallingConfig = string | (Partial<SignallingServer> & { readonly host: string });

/** A configuration mistake a lesson author can fix; its message says how. */
export class SignallingConfigError extends Error {
  override readonly name = 'SignallingConfigError';
}

interface PageLocation {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}

function defaultPort(secure: boolean): number {
  return secure ? 443 : 80;
}

function normalisePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Resolves the signalling server: `config` when given (a URL, absolute or relative to the page, or the parts),
 * else the page's own origin with `fallbackPath`.
 */
export function resolveSignalling(config: SignallingConfig | undefined, fallbackPath: string, page: PageLocation): SignallingServer {
  if (config === undefined || config === '') {
    const secure = page.protocol === 'https:';
    return { host: page.hostname, port: page.port === '' ? defaultPort(secure) : Number(page.port), path: normalisePath(fallbackPath), secure };
  }
  if (typeof config !== 'string') {
    const secure = config.secure ?? page.protocol === 'https:';
    if (config.host.trim() === '') throw new SignallingConfigError('The signalling server needs a host name.');
    const port = config.port ?? defaultPort(secure);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new SignallingConfigError(`The signalling port ${port} is not a port number.`);
    return { host: config.host, port, path: normalisePath(config.path ?? fallbackPath), secure, ...(config.key ? { key: config.key } : {}) };
  }
  let url: URL;
  try {
    url = new URL(config, `${page.protocol}//${page.hostname}${page.port ? `:${page.port}` : ''}/`);
  } catch {
    throw new SignallingConfigError(`The signalling address "${config}" is not a URL (for example https://signal.example.org/peerjs).`);
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (!secure && url.protocol !== 'http:' && url.protocol !== 'ws:') {
    throw new SignallingConfigError(`The signalling address must start with https:// or http:// (it starts with ${url.protocol}//).`);
  }
  const key = url.searchParams.get('key');
  return {
    // URL keeps IPv6 literals in brackets; PeerJS wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? defaultPort(secure) : Number(url.port),
    path: normalisePath(url.pathname === '/' ? fallbackPath : url.pathname),
    secure,
    ...(key ? { key } : {}),
  };
}

const iceSchemes = /^(stun|stuns|turn|turns):/;

/** Checks an `ice-servers` value (JSON text or an array) so a typo fails loudly instead of connecting nowhere. */
export function parseIceServers(value: string | readonly RTCIceServer[] | undefined): RTCIceServer[] {
  if (value === undefined || value === '') return [];
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SignallingConfigError('ice-servers must be JSON, for example [{"urls":"stun:stun.example.org:3478"}].');
    }
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((entry: unknown, index): RTCIceServer => {
    const server = entry as { urls?: unknown; username?: unknown; credential?: unknown } | null;
    const urls = typeof server?.urls === 'string' ? [server.urls] : server?.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((url) => typeof url === 'string' && iceSchemes.test(url))) {
      throw new SignallingConfigError(`ice-servers entry ${index + 1} needs "urls" starting with stun:, stuns:, turn: or turns:.`);
    }
    const turn = urls.some((url: string) => url.startsWith('turn'));
    if (turn && (typeof server?.username !== 'string' || typeof server.credential !== 'string')) {
      throw new SignallingConfigError(`ice-servers entry ${index + 1} is a TURN server: give it "username" and "credential".`);
    }
    return {
      urls: urls as string[],
      ...(typeof server?.username === 'string' ? { username: server.username } : {}),
      ...(typeof server?.credential === 'string' ? { credential: server.credential } : {}),
    };
  });
}
