import { BeckonError, channelInit } from '@beckon/core';
import type { ConnectOptions, LaneConfig, Link, ListenOptions, Transport } from '@beckon/core';
import type { DataConnection, Peer, PeerError, PeerOptions } from 'peerjs';
import { RtcChannel } from './channel.ts';
import { PeerJsLink } from './link.ts';

export interface PeerJsTransportOptions {
  /** This peer's id on the PeerServer; the server assigns one when absent. */
  readonly id?: string;
  readonly host: string;
  readonly port: number;
  /** The PeerServer's mount path, for example `/peerjs`. */
  readonly path: string;
  /** wss/https; defaults to false on 127.0.0.1/localhost, else to the page's own scheme. */
  readonly secure?: boolean;
  /** PeerServer key; `peerjs` unless the server was started with another. */
  readonly key?: string;
  /** Defaults to none: PeerJS would otherwise use Google STUN and its own TURN servers. */
  readonly iceServers?: RTCIceServer[];
  /** `'relay'` sends everything through TURN, hiding peers' addresses from each other (see docs/security.md). */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** How long to wait for the PeerServer to register the id. Default 10 s. */
  readonly openTimeoutMs?: number;
  /** How long an incoming link may take to open its lanes, and the default for `connect`. Default 10 s. */
  readonly linkTimeoutMs?: number;
  /** PeerJS log level, 0 (none) to 3 (all). */
  readonly debug?: 0 | 1 | 2 | 3;
}

export interface PeerJsTransport extends Transport {
  /** The underlying PeerJS peer, for media calls beside the data lanes. */
  readonly peer: Peer;
}

const defaultTimeoutMs = 10_000;
/**
 * Sent on the PeerJS DataConnection once a side has created its lanes, with their configuration: a link
 * opens only when the remote has said so (libdatachannel resets a stream that receives data before its
 * channel exists) and both sides asked for the same lanes.
 */
const readyTag = 'beckon-lanes';

type PeerConstructor = new (...args: [string, PeerOptions] | [PeerOptions]) => Peer;

/** PeerJS checks for WebRTC when first imported, so it is loaded only after Node's polyfill is installed. */
async function loadPeer(): Promise<PeerConstructor> {
  const module = (await import('peerjs')) as unknown as { Peer?: PeerConstructor; default?: { Peer?: PeerConstructor } };
  // Bundlers take PeerJS's ESM build (named export); Node takes its CommonJS build (under `default`).
  const Peer = module.Peer ?? module.default?.Peer;
  if (Peer === undefined) throw new Error('peerjs did not export Peer');
  return Peer;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

function defaultSecure(host: string): boolean {
  if (isLoopbackHost(host)) return false;
  return typeof location !== 'undefined' && location.protocol === 'https:';
}

/** Registers a peer on a PeerServer; resolves once the server has accepted its id. */
export async function createPeerJsTransport(options: PeerJsTransportOptions): Promise<PeerJsTransport> {
  const Peer = await loadPeer();
  const peerOptions: PeerOptions = {
    host: options.host,
    port: options.port,
    path: options.path,
    secure: options.secure ?? defaultSecure(options.host),
    key: options.key ?? 'peerjs',
    config: { iceServers: options.iceServers ?? [], ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}) },
    debug: options.debug ?? 0,
  };
  const peer = options.id === undefined ? new Peer(peerOptions) : new Peer(options.id, peerOptions);
  // Listeners go on before the id is registered, so no incoming connection is missed.
  const transport = new PeerJsTransportImpl(peer, options.linkTimeoutMs ?? defaultTimeoutMs);
  const server = `${peerOptions.secure === true ? 'wss' : 'ws'}://${options.host}:${options.port}${options.path}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      peer.destroy();
      reject(new BeckonError('timeout', `PeerServer at ${server} did not register the peer in time`));
    }, options.openTimeoutMs ?? defaultTimeoutMs);
    const onOpen = (): void => {
      finish();
      resolve();
    };
    const onError = (error: PeerError<string>): void => {
      finish();
      peer.destroy();
      const refused = error.type === 'unavailable-id' || error.type === 'invalid-id' || error.type === 'invalid-key';
      const message = refused ? error.message : `PeerServer at ${server} unreachable: ${error.message}`;
      reject(new BeckonError(refused ? 'refused' : 'timeout', message, { ...(options.id === undefined ? {} : { peer: options.id }), cause: error }));
    };
    const finish = (): void => {
      clearTimeout(timer);
      peer.off('open', onOpen);
      peer.off('error', onError);
    };
    peer.on('open', onOpen);
    peer.on('error', onError);
  });
  return transport;
}

/** Tries of one `connect` when the connection fails while opening (not when the peer is missing or refuses). */
const connectAttempts = 3;
/** Errors of connections that failed while opening: worth another try. */
const transientFailures = new WeakSet<object>();
function transient(error: BeckonError): BeckonError {
  transientFailures.add(error);
  return error;
}

class PeerJsTransportImpl implements PeerJsTransport {
  readonly peer: Peer;
  readonly #linkTimeoutMs: number;
  readonly #links = new Set<PeerJsLink>();
  /** Abort functions of links still opening. */
  readonly #opening = new Set<(error: BeckonError) => void>();
  /** Incoming connections that arrived before `listen`. */
  #waiting: DataConnection[] = [];
  /** Lane signatures that arrived on waiting connections, before `#open` listened for them. */
  readonly #earlyReady = new WeakMap<DataConnection, string>();
  #listener: { lanes: readonly LaneConfig[]; accept: ((remoteId: string) => boolean) | undefined; onLink: (link: Link) => void } | undefined;
  #closed = false;

  constructor(peer: Peer, linkTimeoutMs: number) {
    this.peer = peer;
    this.#linkTimeoutMs = linkTimeoutMs;
    peer.on('connection', (connection) => {
      if (this.#closed) connection.close();
      else if (this.#listener === undefined) this.#wait(connection);
      else this.#accept(connection);
    });
    // Errors after open (a lost server, a failed negotiation) are routed to the links they concern;
    // without a listener here PeerJS would still be fine, but keep one so none is thrown by an emitter.
    peer.on('error', () => {});
  }

  get localId(): string {
    return this.peer.id;
  }

  listen(options: ListenOptions, onLink: (link: Link) => void): void {
    this.#listener = { lanes: options.lanes, accept: options.accept, onLink };
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const connection of waiting) this.#accept(connection);
  }

  async connect(remoteId: string, options: ConnectOptions): Promise<Link> {
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new BeckonError('closed', 'transport is closed', { peer: remoteId });
      const connection = this.peer.connect(remoteId, { serialization: 'raw', reliable: true });
      if (connection === undefined) {
        throw new BeckonError('not-connected', 'not connected to the PeerServer', { peer: remoteId });
      }
      try {
        return await this.#open(connection, options.lanes, options.timeoutMs ?? this.#linkTimeoutMs, true);
      } catch (error) {
        // ICE or DTLS giving up while a whole class connects at once is worth a fresh try; a missing peer, a lane
        // mismatch or a timeout is not.
        if (!transientFailures.has(error as object) || attempt >= connectAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150 * attempt));
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const abort of [...this.#opening]) abort(new BeckonError('closed', 'transport closed'));
    for (const link of [...this.#links]) link.close();
    for (const connection of this.#waiting.splice(0)) connection.close();
    this.peer.destroy();
  }

  /** Holds a connection until `listen`, keeping its lane signature: without this the remote's ready message was lost. */
  #wait(connection: DataConnection): void {
    this.#waiting.push(connection);
    const onData = (data: unknown): void => {
      if (typeof data !== 'string' || !data.startsWith(`${readyTag} `)) return;
      this.#earlyReady.set(connection, data.slice(readyTag.length + 1));
      connection.off('data', onData);
    };
    connection.on('data', onData);
  }

  #accept(connection: DataConnection): void {
    const listener = this.#listener;
    if (listener === undefined) return;
    // Turned away before PeerJS's answer goes out: no ICE, no DTLS handshake.
    if (listener.accept !== undefined && !listener.accept(connection.peer)) return connection.close();
    // A peer that fails to open its lanes is dropped; the caller on the other side gets the error.
    this.#open(connection, listener.lanes, this.#linkTimeoutMs, false).then(listener.onLink, () => {});
  }

  #open(connection: DataConnection, lanes: readonly LaneConfig[], timeoutMs: number, outgoing: boolean): Promise<PeerJsLink> {
    return new Promise<PeerJsLink>((resolve, reject) => {
      const remoteId = connection.peer;
      const pc = connection.peerConnection;
      const channels: RtcChannel[] = [];
      const raw: RTCDataChannel[] = [];
      let remoteLanes: string | undefined = this.#earlyReady.get(connection);
      const expectedLanes = laneSignature(lanes);

      const fail = (error: BeckonError, closeAfterMs = 0): void => {
        finish();
        reject(error);
        const close = (): void => {
          for (const channel of raw) channel.close();
          connection.close();
        };
        if (closeAfterMs === 0) close();
        else setTimeout(close, closeAfterMs);
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.#opening.delete(fail);
        connection.off('open', onOpen);
        connection.off('data', onData);
        connection.off('close', onConnectionClose);
        connection.off('error', onConnectionError);
        this.peer.off('error', onPeerError);
        pc.removeEventListener('connectionstatechange', onStateChange);
        for (const channel of raw) {
          channel.removeEventListener('open', check);
          channel.removeEventListener('close', onLaneClose);
        }
      };
      const check = (): void => {
        // Wait until our own lanes exist and our signature is sent (the remote's can arrive first), so the
        // other side learns of a mismatch from it rather than from our closing.
        if (raw.length !== lanes.length) return;
        if (remoteLanes !== undefined && remoteLanes !== expectedLanes) {
          // Closing at once could discard our signature before it leaves, and the other side would see
          // only a close; a moment's grace lets it report the same lane-error.
          fail(new BeckonError('lane-error', `lanes differ: local ${expectedLanes}, remote ${remoteLanes}`, { peer: remoteId }), 250);
          return;
        }
        if (remoteLanes === undefined || !raw.every((c) => c.readyState === 'open')) return;
        finish();
        const link = new PeerJsLink(connection, channels);
        this.#links.add(link);
        link.onClose(() => this.#links.delete(link));
        resolve(link);
      };
      const onOpen = (): void => {
        for (const lane of lanes) {
          const channel = pc.createDataChannel(lane.name, channelInit(lane));
          channel.addEventListener('open', check);
          channel.addEventListener('close', onLaneClose);
          raw.push(channel);
          channels.push(new RtcChannel(lane, channel));
        }
        // Our lanes exist now, so the remote may send on them as soon as its own are open.
        connection.send(`${readyTag} ${expectedLanes}`);
        check();
      };
      const onData = (data: unknown): void => {
        if (typeof data !== 'string' || !data.startsWith(`${readyTag} `)) return;
        remoteLanes = data.slice(readyTag.length + 1);
        check();
      };
      const onLaneClose = (): void => fail(transient(new BeckonError('not-connected', `a lane to ${remoteId} closed while opening`, { peer: remoteId })));
      const onConnectionClose = (): void => fail(transient(new BeckonError('not-connected', `connection to ${remoteId} closed while opening`, { peer: remoteId })));
      const onConnectionError = (error: Error): void => fail(new BeckonError('not-connected', `connection to ${remoteId} failed: ${error.message}`, { peer: remoteId, cause: error }));
      const onPeerError = (error: PeerError<string>): void => {
        if (outgoing && error.type === 'peer-unavailable' && error.message === `Could not connect to peer ${remoteId}`) {
          fail(new BeckonError('not-connected', `peer ${remoteId} is not on the PeerServer`, { peer: remoteId, cause: error }));
        } else if (error.type === 'disconnected' || error.type === 'network' || error.type === 'socket-closed') {
          fail(new BeckonError('not-connected', `lost the PeerServer while connecting to ${remoteId}`, { peer: remoteId, cause: error }));
        }
      };
      const onStateChange = (): void => {
        if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
          fail(transient(new BeckonError('not-connected', `connection to ${remoteId} ${pc.connectionState}`, { peer: remoteId })));
        }
      };
      const timer = setTimeout(() => {
        fail(new BeckonError('timeout', `lanes to ${remoteId} did not open within ${timeoutMs} ms`, { peer: remoteId }));
      }, timeoutMs);

      this.#opening.add(fail);
      connection.on('data', onData);
      connection.on('close', onConnectionClose);
      connection.on('error', onConnectionError);
      this.peer.on('error', onPeerError);
      pc.addEventListener('connectionstatechange', onStateChange);
      if (connection.open) onOpen();
      else connection.on('open', onOpen);
    });
  }
}

function laneSignature(lanes: readonly LaneConfig[]): string {
  return [...lanes]
    .sort((a, b) => a.id - b.id)
    .map((l) => `${l.name}:${l.id}:${l.ordered ? 'o' : 'u'}:${l.maxRetransmits ?? '-'}:${l.maxPacketLifeTime ?? '-'}`)
    .join(',');
}
