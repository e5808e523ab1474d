import type * as NodeDataChannel from 'node-datachannel';
import type * as Polyfill from 'node-datachannel/polyfill';
import type * as Ws from 'ws';

/** Loads an optional peer dependency, or says how to install it: a browser-only install has neither. */
async function loadOptional<T>(name: string, why: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes(`'${name}'`);
    if (!missing) throw error;
    throw new Error(`@beckon/peerjs/node needs the package "${name}" (${why}): npm install ${name}`, { cause: error });
  }
}

const { cleanup, setSctpSettings } = await loadOptional<typeof NodeDataChannel>('node-datachannel', 'WebRTC for Node');
const { RTCDataChannel, RTCDataChannelEvent, RTCIceCandidate, RTCPeerConnection: PolyfillPeerConnection, RTCPeerConnectionIceEvent, RTCSessionDescription } =
  await loadOptional<typeof Polyfill>('node-datachannel/polyfill', 'WebRTC for Node');
type PolyfillPeerConnectionClass = typeof Polyfill.RTCPeerConnection;

/**
 * WebRTC for Node: node-datachannel's W3C polyfill and `ws`, installed on `globalThis` so that PeerJS
 * (which looks for them there, and checks support when it is first imported) runs unchanged.
 * This entry is separate (`@beckon/peerjs/node`) so browser bundles never see node-datachannel.
 */

export interface NodeWebRTCOptions {
  /**
   * Local address ICE binds to. node-datachannel gathers no loopback candidates unless it binds to one,
   * so the default keeps peers on one machine (and tests in a loopback-only namespace) connectable.
   * Pass `'0.0.0.0'` to reach peers on other hosts.
   */
  readonly bindAddress?: string;
  /**
   * SCTP send buffer per connection, in bytes. libdatachannel's default (1 MiB) swallows that much before
   * `bufferedAmount` moves at all, which hides back-pressure from the core; 256 KiB keeps `bufferedAmount`
   * and `bufferedamountlow` meaningful, as in browsers, and still saturates a loopback link.
   */
  readonly sctpSendBufferSize?: number;
}

const installed = Symbol.for('beckon.nodeWebRTC');

type Config = RTCConfiguration & { bindAddress?: string };

/**
 * How long an answering pc holds the offerer's candidates. node-datachannel's answerer is the DTLS client:
 * given the offerer's candidates at once, its ICE is up before the offerer has even received the answer,
 * its ClientHello reaches an offerer with no DTLS transport yet and is dropped, and the handshake waits
 * ~1 s for the retransmit. Held back, the answerer's ICE starts from the offerer's own checks, which the
 * offerer sends only once it has the answer. The hold ends early when ICE connects; after it, the
 * candidates are applied anyway (peers behind NATs need both sides' checks).
 */
const answererHoldMs = 150;

function boundPeerConnection(bindAddress: string): PolyfillPeerConnectionClass {
  /**
   * Adds the bind address to every connection, and holds remote ICE candidates that arrive before the
   * remote description: node-datachannel throws on those, where browsers queue them.
   */
  return class BoundRTCPeerConnection extends PolyfillPeerConnection {
    #hasRemoteDescription = false;
    #pendingCandidates: RTCIceCandidateInit[] = [];
    #holdUntil = 0;

    constructor(config: Config = {}) {
      super({ ...config, bindAddress: config.bindAddress ?? bindAddress } as RTCConfiguration);
    }

    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description);
      if (description.type === 'offer') {
        // Answerer: let the offerer's checks (sent once it has our answer) start ICE, see holdsCandidates.
        this.#holdUntil = performance.now() + answererHoldMs;
        const release = (): void => void this.#flush();
        const timer = setTimeout(release, answererHoldMs);
        this.addEventListener('iceconnectionstatechange', () => {
          if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') {
            clearTimeout(timer);
            release();
          }
        });
      }
      this.#hasRemoteDescription = true;
      if (performance.now() >= this.#holdUntil) await this.#flush();
    }

    override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
      if ((!this.#hasRemoteDescription || performance.now() < this.#holdUntil) && candidate?.candidate) {
        this.#pendingCandidates.push(candidate);
        return;
      }
      await super.addIceCandidate(candidate ?? undefined);
    }

    async #flush(): Promise<void> {
      this.#holdUntil = 0;
      for (const candidate of this.#pendingCandidates.splice(0)) {
        // A candidate for a pc that closed meanwhile is of no use; browsers ignore those too.
        await super.addIceCandidate(candidate).catch(() => {});
      }
    }
  };
}

/**
 * Node 20 has no WebSocket: `ws` stands in. It throws an unhandled 'error' event (a refused connection, say) where a
 * browser's WebSocket only dispatches it; PeerJS listens to `onclose`, not to 'error', so give every socket a listener.
 */
async function browserLikeWebSocket(): Promise<unknown> {
  const { WebSocket } = await loadOptional<typeof Ws>('ws', 'a WebSocket client on Node 20');
  return class BrowserLikeWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('error', () => {});
    }
  };
}

// Node 22 and later have their own WebSocket, which PeerJS also accepts.
const fallbackWebSocket = typeof globalThis.WebSocket === 'undefined' ? await browserLikeWebSocket() : undefined;

/** Puts RTCPeerConnection & co. and WebSocket on globalThis. Call before the first transport is created. */
export function installNodeWebRTC(options: NodeWebRTCOptions = {}): void {
  const g = globalThis as Record<string | symbol, unknown>;
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  if (g[installed] === bindAddress) return;
  g[installed] = bindAddress;
  // Global to node-datachannel, and read when a connection is created.
  setSctpSettings({ sendBufferSize: options.sctpSendBufferSize ?? 262_144 });
  g.RTCPeerConnection = boundPeerConnection(bindAddress);
  g.RTCSessionDescription = RTCSessionDescription;
  g.RTCIceCandidate = RTCIceCandidate;
  g.RTCDataChannel = RTCDataChannel;
  g.RTCDataChannelEvent = RTCDataChannelEvent;
  g.RTCPeerConnectionIceEvent = RTCPeerConnectionIceEvent;
  if (g.WebSocket === undefined) g.WebSocket = fallbackWebSocket;
}

/** Releases node-datachannel's native threads so the process can exit. Close every transport first. */
export function cleanupNodeWebRTC(): void {
  cleanup();
}
