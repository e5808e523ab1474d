import { callTag, isMediaCall } from '../calls.ts';
import type { MediaCall, MediaPeerLike } from '../calls.ts';
import type { Remotes } from './remotes.ts';
import type { MediaRosterView, MediaTopology, RoomMediaOptions } from './types.ts';

const maxRetryMs = 10_000;

export interface P2pCallsOptions {
  readonly peer: MediaPeerLike;
  readonly selfId: string;
  readonly remotes: Remotes;
  /** Its `retryMs`, `pendingCallMs` and `connectTimeoutMs`. */
  readonly media: RoomMediaOptions;
  /** The roster now, and whom it lets publish; undefined before the first one. */
  readonly roster: () => { readonly roster: MediaRosterView; readonly publishers: readonly string[] } | undefined;
  /** Brings everything in line with the roster again (a retry is due). */
  readonly reconcile: () => void;
  readonly changed: () => void;
}

interface Outgoing {
  readonly call: MediaCall;
  readonly peerId: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Pending {
  readonly call: MediaCall;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The peer-to-peer topology: a publisher calls every other participant with a PeerJS media call of its own,
 * retrying with backoff; a receiver answers only calls from participants the roster lets publish.
 */
export class P2pCalls {
  readonly #options: P2pCallsOptions;
  readonly #outgoing = new Map<string, Outgoing>();
  readonly #pending = new Set<Pending>();
  /** Per target: failed attempts in a row, and when the next may start. */
  readonly #backoff = new Map<string, { attempts: number; until: number }>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: P2pCallsOptions) {
    this.#options = options;
  }

  /** Starts taking the peer's incoming calls; returns how to stop. */
  listen(): () => void {
    const peer = this.#options.peer;
    const onCall = (call: MediaCall): void => this.#onCall(call);
    peer.on('call', onCall);
    return () => peer.off('call', onCall);
  }

  /** The peer connections of the outgoing calls: what this participant uploads p2p. */
  get connections(): RTCPeerConnection[] {
    return [...this.#outgoing.values()].map((outgoing) => outgoing.call.peerConnection).filter((pc): pc is RTCPeerConnection => !!pc);
  }

  /** Call whom we should, hang up on and refuse the rest; with `viaSfu` the SFU carries everything instead. */
  reconcile(roster: MediaRosterView, publishers: ReadonlySet<string>, stream: MediaStream | undefined): void {
    const { peer, selfId, remotes } = this.#options;
    const viaSfu = roster.topology === 'sfu';
    const targets = new Map<string, string>();
    if (stream && publishers.has(selfId) && !viaSfu) {
      for (const state of roster.peers.values()) {
        if (state.participantId !== selfId && state.peerId !== '') targets.set(state.participantId, state.peerId);
      }
    }
    for (const [id, outgoing] of this.#outgoing) {
      if (targets.get(id) !== outgoing.peerId) this.hangUp(id);
    }
    for (const id of this.#backoff.keys()) if (!targets.has(id)) this.#backoff.delete(id);
    const now = Date.now();
    let nextRetry = Number.POSITIVE_INFINITY;
    for (const [id, peerId] of targets) {
      if (this.#outgoing.has(id) || !stream) continue;
      const backoff = this.#backoff.get(id);
      if (backoff && backoff.until > now) {
        nextRetry = Math.min(nextRetry, backoff.until);
        continue;
      }
      this.#callOut(peer, id, peerId, stream);
    }
    if (nextRetry !== Number.POSITIVE_INFINITY) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => this.#options.reconcile(), nextRetry - now + 5);
    }
    for (const [id, remote] of remotes.all) {
      // The SFU link looks after its own subscriptions; p2p calls stop once the SFU carries media.
      if (remote.via === 'sfu') continue;
      if (viaSfu || !publishers.has(id) || roster.peers.get(id)?.peerId !== remote.call.peer) remotes.drop(id);
    }
    for (const pending of [...this.#pending]) {
      if (this.#answer(pending.call)) {
        clearTimeout(pending.timer);
        this.#pending.delete(pending);
      }
    }
  }

  hangUp(id: string): void {
    const outgoing = this.#outgoing.get(id);
    if (!outgoing) return;
    this.#outgoing.delete(id);
    clearTimeout(outgoing.timer);
    outgoing.call.close();
  }

  hangUpAll(): void {
    for (const id of [...this.#outgoing.keys()]) this.hangUp(id);
  }

  /** Stops retrying and refuses the calls still waiting for a roster. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    for (const pending of this.#pending) {
      clearTimeout(pending.timer);
      pending.call.close();
    }
    this.#pending.clear();
  }

  #callOut(peer: MediaPeerLike, id: string, peerId: string, stream: MediaStream): void {
    const call = peer.call(peerId, stream, { metadata: { [callTag]: this.#options.selfId } });
    if (!call) {
      this.#failed(id);
      return;
    }
    const outgoing: Outgoing = { call, peerId, timer: undefined };
    this.#outgoing.set(id, outgoing);
    const ended = (): void => {
      if (this.#outgoing.get(id) !== outgoing) return;
      clearTimeout(outgoing.timer);
      this.#outgoing.delete(id);
      this.#failed(id);
    };
    call.on('close', ended);
    call.on('error', ended);
    // PeerJS does not report a call to a peer that is gone: give up on one that never connects, and try again.
    outgoing.timer = setTimeout(() => {
      if (call.peerConnection?.connectionState !== 'connected') call.close();
    }, this.#options.media.connectTimeoutMs ?? 15_000);
    watchConnection(call, () => this.#backoff.delete(id));
  }

  /** An outgoing call ended or could not start: try again later while the target is still one. */
  #failed(id: string): void {
    if (this.#closed) return;
    const previous = this.#backoff.get(id);
    const attempts = (previous?.attempts ?? 0) + 1;
    const delay = Math.min(maxRetryMs, (this.#options.media.retryMs ?? 1000) * 2 ** (attempts - 1));
    this.#backoff.set(id, { attempts, until: Date.now() + delay });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#options.reconcile(), delay + 5);
  }

  #onCall(call: MediaCall): void {
    if (!isMediaCall(call) || this.#closed) return;
    if (this.#answer(call)) return;
    // The roster that allows this caller may still be on its way: wait for it a little.
    const pending: Pending = {
      call,
      timer: setTimeout(() => {
        this.#pending.delete(pending);
        call.close();
      }, this.#options.media.pendingCallMs ?? 5000),
    };
    this.#pending.add(pending);
  }

  /** Answers a call from a participant the roster lets publish. Returns false to keep it waiting. */
  #answer(call: MediaCall): boolean {
    const current = this.#options.roster();
    if (!current) return false;
    const { roster, publishers } = current;
    if (roster.topology === 'sfu') {
      // Media goes through the SFU now: a p2p call is a late one from before the switch.
      call.close();
      return true;
    }
    let id: string | undefined;
    for (const state of roster.peers.values()) if (state.peerId === call.peer) id = state.participantId;
    if (id === undefined || !publishers.includes(id)) return false;
    const claimed = (call.metadata as Record<string, unknown>)[callTag];
    if (claimed !== id) {
      // The roster (from the host) is the authority on who a transport id is.
      call.close();
      return true;
    }
    const remotes = this.#options.remotes;
    const previous = remotes.get(id);
    const remote: { participantId: string; stream: MediaStream | undefined; call: MediaCall; via: MediaTopology } = { participantId: id, stream: undefined, call, via: 'p2p' };
    remotes.set(remote);
    // A new call from the same publisher (it reloaded, or its last call dropped) replaces the old one.
    previous?.call.close();
    const participantId = id;
    call.on('stream', (stream) => {
      if (remotes.get(participantId) !== remote || remote.stream === stream) return;
      remote.stream = stream;
      remotes.announce(participantId, stream);
    });
    const ended = (): void => remotes.ended(remote);
    call.on('close', ended);
    call.on('error', ended);
    call.answer();
    watchConnection(call, () => {});
    if (previous?.stream) this.#options.changed();
    return true;
  }
}

/** Closes a call whose connection failed (PeerJS only reports ICE failure, not a lost DTLS or a dead peer). */
function watchConnection(call: MediaCall, onConnected: () => void): void {
  const pc = call.peerConnection;
  if (!pc) return;
  let lostTimer: ReturnType<typeof setTimeout> | undefined;
  const check = (): void => {
    const state = pc.connectionState;
    if (state === 'connected') {
      clearTimeout(lostTimer);
      lostTimer = undefined;
      onConnected();
    } else if (state === 'failed' || state === 'closed') {
      clearTimeout(lostTimer);
      pc.removeEventListener('connectionstatechange', check);
      call.close();
    } else if (state === 'disconnected' && lostTimer === undefined) {
      // Disconnected often heals within seconds; a call that stays so is dead.
      lostTimer = setTimeout(() => call.close(), 5000);
    }
  };
  pc.addEventListener('connectionstatechange', check);
}
