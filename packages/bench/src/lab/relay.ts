import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';

/** An impairment applied to every packet, in each direction independently. */
export interface Impairment {
  /** One-way delay added to every packet, ms. */
  readonly delayMs: number;
  /** Each packet's delay is drawn uniformly from delayMs ± jitterMs (so packets may reorder, as on real links). */
  readonly jitterMs: number;
  /** Probability (0..1) that a packet is dropped. */
  readonly loss: number;
  /** Every `periodMs`, drop everything for `durationMs` (a burst outage: Wi-Fi roaming, a congested hop). */
  readonly outage?: { readonly durationMs: number; readonly periodMs: number };
}

export const noImpairment: Impairment = { delayMs: 0, jitterMs: 0, loss: 0 };

export interface RelayStats {
  received: number;
  forwarded: number;
  dropped: number;
}

interface Endpoint {
  /** The relay's socket that stands for this real endpoint: whoever sends to it reaches the endpoint. */
  readonly socket: Socket;
  readonly realPort: number;
  readonly relayPort: number;
}

interface Pending {
  readonly due: number;
  readonly data: Buffer;
  readonly via: Socket;
  readonly port: number;
}

const host = '127.0.0.1';

/**
 * A UDP relay that impairs traffic between endpoints on 127.0.0.1 (the kernel here has no netem).
 * Each real endpoint X gets a relay socket R(X); peers are told R(X) instead of X (ICE candidates rewritten).
 * A packet that arrives at R(X) from real port S is sent on to X from R(S), so X sees it coming from the
 * address it was told for S, and ICE pairs stay consistent. Works for any number of endpoints.
 */
export class ImpairedRelay {
  readonly stats: RelayStats = { received: 0, forwarded: 0, dropped: 0 };
  /** UDP payload bytes and packets received per route, keyed `<sender's real port>><receiver's real port>`. */
  readonly routes = new Map<string, { packets: number; bytes: number }>();
  /** Sees every packet as it arrives (route key as in `routes`), for benchmarks that sort packets by kind. */
  onPacket: ((route: string, data: Buffer) => void) | undefined;
  #impairment: Impairment;
  readonly #byReal = new Map<number, Promise<Endpoint>>();
  readonly #queue: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Infinity;
  readonly #started = performance.now();
  readonly #random: () => number;
  #closed = false;

  constructor(impairment: Impairment = noImpairment, random: () => number = Math.random) {
    this.#impairment = impairment;
    this.#random = random;
  }

  get impairment(): Impairment {
    return this.#impairment;
  }

  /** Changes the impairment for packets from now on. */
  set impairment(value: Impairment) {
    this.#impairment = value;
  }

  /** The relay port that stands for the real UDP endpoint 127.0.0.1:realPort. */
  async portFor(realPort: number): Promise<number> {
    return (await this.#endpoint(realPort)).relayPort;
  }

  /** Rewrites one ICE candidate line so traffic to it goes through the relay; undefined for candidates to drop. */
  async rewriteCandidate(candidate: string): Promise<string | undefined> {
    const parsed = parseCandidate(candidate);
    // Only UDP host candidates on 127.0.0.1 can be relayed; anything else would bypass the impairment.
    if (parsed === undefined || parsed.protocol !== 'udp' || parsed.address !== host) return undefined;
    const port = await this.portFor(parsed.port);
    return parsed.withPort(port);
  }

  /** Rewrites the a=candidate lines of an SDP, dropping those the relay cannot carry. */
  async rewriteSdp(sdp: string): Promise<string> {
    const lines = sdp.split('\r\n');
    const out: string[] = [];
    for (const line of lines) {
      if (!line.startsWith('a=candidate:')) {
        out.push(line);
        continue;
      }
      const rewritten = await this.rewriteCandidate(line.slice(2));
      if (rewritten !== undefined) out.push(`a=${rewritten}`);
    }
    return out.join('\r\n');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#queue.length = 0;
    const endpoints = await Promise.all(this.#byReal.values());
    await Promise.all(endpoints.map((e) => new Promise<void>((resolve) => e.socket.close(() => resolve()))));
  }

  #endpoint(realPort: number): Promise<Endpoint> {
    let endpoint = this.#byReal.get(realPort);
    if (endpoint === undefined) {
      endpoint = new Promise<Endpoint>((resolve, reject) => {
        const socket = createSocket('udp4');
        socket.once('error', reject);
        socket.on('message', (data, from) => this.#receive(realPort, data, from));
        socket.bind(0, host, () => {
          socket.off('error', reject);
          socket.on('error', () => {});
          resolve({ socket, realPort, relayPort: socket.address().port });
        });
      });
      this.#byReal.set(realPort, endpoint);
    }
    return endpoint;
  }

  #receive(to: number, data: Buffer, from: RemoteInfo): void {
    if (this.#closed) return;
    this.stats.received++;
    const key = `${from.port}>${to}`;
    const route = this.routes.get(key) ?? { packets: 0, bytes: 0 };
    route.packets++;
    route.bytes += data.length;
    this.routes.set(key, route);
    this.onPacket?.(key, data);
    const { delayMs, jitterMs, loss, outage } = this.#impairment;
    const at = performance.now();
    const inOutage = outage !== undefined && (at - this.#started) % outage.periodMs < outage.durationMs;
    if (inOutage || (loss > 0 && this.#random() < loss)) {
      this.stats.dropped++;
      return;
    }
    const delay = Math.max(0, delayMs + (jitterMs > 0 ? (this.#random() * 2 - 1) * jitterMs : 0));
    // The sender's own relay socket, so the receiver sees the address it was told; made on first use.
    void this.#endpoint(from.port).then((via) => {
      if (this.#closed) return;
      if (delay === 0) this.#forward(data, via.socket, to);
      else this.#schedule({ due: at + delay, data, via: via.socket, port: to });
    });
  }

  #forward(data: Buffer, via: Socket, port: number): void {
    this.stats.forwarded++;
    via.send(data, port, host);
  }

  #schedule(packet: Pending): void {
    // Kept sorted by due time; with little jitter a packet almost always goes at or near the end.
    let i = this.#queue.length;
    while (i > 0 && (this.#queue[i - 1] as Pending).due > packet.due) i--;
    this.#queue.splice(i, 0, packet);
    this.#arm();
  }

  #arm(): void {
    const next = this.#queue[0];
    if (next === undefined || next.due >= this.#timerDue) return;
    clearTimeout(this.#timer);
    this.#timerDue = next.due;
    this.#timer = setTimeout(() => this.#drain(), Math.max(0, next.due - performance.now()));
  }

  #drain(): void {
    this.#timerDue = Infinity;
    // Timers fire up to ~1 ms late; sending what is due within half a millisecond saves a wake-up.
    const horizon = performance.now() + 0.5;
    while (this.#queue.length > 0 && (this.#queue[0] as Pending).due <= horizon) {
      const packet = this.#queue.shift() as Pending;
      this.#forward(packet.data, packet.via, packet.port);
    }
    this.#arm();
  }
}

interface ParsedCandidate {
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  withPort(port: number): string;
}

/** Parses `candidate:<foundation> <component> <protocol> <priority> <address> <port> typ …` (RFC 8839). */
export function parseCandidate(candidate: string): ParsedCandidate | undefined {
  const text = candidate.startsWith('a=') ? candidate.slice(2) : candidate;
  const parts = text.split(' ');
  if (parts.length < 8 || !(parts[0] ?? '').startsWith('candidate:')) return undefined;
  const port = Number(parts[5]);
  if (!Number.isInteger(port)) return undefined;
  return {
    protocol: (parts[2] ?? '').toLowerCase(),
    address: parts[4] ?? '',
    port,
    withPort: (next) => [...parts.slice(0, 5), String(next), ...parts.slice(6)].join(' '),
  };
}
