import type { Frame } from '../codec.ts';
import { Emitter, reportListenerError } from '../emitter.ts';
import { BeckonError } from '../errors.ts';
import type { BeckonErrorCode } from '../errors.ts';
import { defaultLanes } from '../lanes.ts';
import type { LaneConfig, LaneName } from '../lanes.ts';
import { Registry } from '../schema.ts';
import type { MessageInit, MessageType } from '../schema.ts';
import type { PeerSession } from '../session/index.ts';
import { ByteStreams, defaultByteStreamLimits } from '../streams/index.ts';
import type { ByteSource, ByteStreamHandler, ByteStreamInfo, ByteStreamOptions, ByteStreamPolicy, ByteStreamWriter } from '../streams/index.ts';
import type { Transport } from '../transport.ts';
import { describe, hex, now } from '../util.ts';
import { registerStreams } from './sessions.ts';
import type { ConnectionState, MessageMeta, Participant, RoomEvents, RoomOptions } from './types.ts';

type Handler = (value: object, meta: MessageMeta) => void;

const ignore = (): void => undefined;

/** Shared by hosts and members: typed handlers, events, the registry and the participant list. */
export abstract class Room {
  readonly registry: Registry;
  readonly transport: Transport;
  readonly #events = new Emitter<RoomEvents>();
  // Copy on write, like the emitter: delivering a message walks the current array without copying it.
  readonly #handlers = new Map<number, readonly Handler[]>();
  protected readonly options: RoomOptions;
  protected readonly lanes: readonly LaneConfig[];
  protected readonly participantMap = new Map<string, Participant>();
  protected connectionState: ConnectionState = 'idle';
  /** Refused frames by error code. */
  readonly errorCounts: Partial<Record<BeckonErrorCode, number>> = {};
  /** Byte streams to and from every peer of this room. */
  protected readonly streams: ByteStreams;

  constructor(options: RoomOptions, streamPolicy?: ByteStreamPolicy) {
    this.options = options;
    this.transport = options.transport;
    this.lanes = options.lanes ?? defaultLanes;
    this.registry = new Registry(options.types);
    this.streams = new ByteStreams({
      limits: { ...defaultByteStreamLimits, ...options.streams },
      selfId: () => this.selfId,
      policy: streamPolicy,
      isHost: () => this.isHost,
      report: (error) => this.reportError(error),
    });
    registerStreams(this, this.streams);
  }

  /**
   * Receives byte streams sent with `topic` (one handler per topic): read `reader` as a ReadableStream or with
   * `for await`; the sender may run only a window ahead of what is read. Returns the unsubscribe function.
   */
  onByteStream(topic: string, handler: ByteStreamHandler): () => void {
    return this.streams.on(topic, handler);
  }

  /**
   * Opens a byte stream to write a piece at a time: `write` waits while the receiver or the channel is behind,
   * `close` resolves once the receiver has every byte, `abort` stops it. Throws `not-connected` without a link.
   */
  streamBytes(options: ByteStreamOptions): ByteStreamWriter {
    const { hop, to } = this.streamRoute(options.to);
    return this.streams.open(hop, options, to);
  }

  /**
   * Sends a Blob, a Uint8Array or a ReadableStream as a byte stream, read a piece at a time (never copied whole).
   * Resolves when the receiver has every byte; rejects with a BeckonError (`refused`, `cancelled`, `not-connected`, ...).
   */
  sendBytes(source: ByteSource, options: ByteStreamOptions): Promise<ByteStreamInfo> {
    try {
      const { hop, to } = this.streamRoute(options.to);
      return this.streams.send(hop, source, options, to);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The peer a stream to `to` leaves through (`hop`), and its final recipient. */
  protected abstract streamRoute(to: string | undefined): { hop: string; to: string };

  abstract readonly isHost: boolean;
  /** This participant's id. */
  abstract readonly selfId: string;

  get state(): ConnectionState {
    return this.connectionState;
  }

  /** Everyone present, this participant included. */
  get participants(): readonly Participant[] {
    return [...this.participantMap.values()];
  }

  participant(id: string): Participant | undefined {
    return this.participantMap.get(id);
  }

  /** Subscribes to a message type, or to a room event. Returns the unsubscribe function. */
  on<T extends object>(type: MessageType<T>, handler: (value: T, meta: MessageMeta) => void): () => void;
  on<K extends keyof RoomEvents>(event: K, handler: (payload: RoomEvents[K]) => void): () => void;
  on(target: MessageType | keyof RoomEvents, handler: (...args: never[]) => void): () => void {
    if (typeof target === 'string') return this.#events.on(target, handler as (payload: unknown) => void);
    this.registry.add(target);
    const typed = handler as unknown as Handler;
    const id = target.id;
    const current = this.#handlers.get(id) ?? [];
    if (!current.includes(typed)) this.#handlers.set(id, [...current, typed]);
    return () => {
      const rest = (this.#handlers.get(id) ?? []).filter((each) => each !== typed);
      if (rest.length === 0) this.#handlers.delete(id);
      else this.#handlers.set(id, rest);
    };
  }

  protected emit<K extends keyof RoomEvents>(event: K, payload: RoomEvents[K]): void {
    this.#events.emit(event, payload);
  }

  protected setState(state: ConnectionState): void {
    if (this.connectionState === state) return;
    this.connectionState = state;
    this.emit('state', state);
  }

  protected reportError(error: BeckonError): void {
    this.errorCounts[error.code] = (this.errorCounts[error.code] ?? 0) + 1;
    this.emit('error', error);
  }

  /** Decodes an application frame and hands it to its handlers. Returns false (and reports) if it cannot. */
  protected deliverLocal(frame: Frame, lane: LaneName, from: string, replayed: boolean, reject: (reason: string) => void = ignore): boolean {
    const type = this.registry.get(frame.type);
    if (!type) {
      this.reportError(new BeckonError('unknown-type', `Unknown message type 0x${frame.type.toString(16)} from ${from}`, { peer: from, messageType: hex(frame.type), lane }));
      return false;
    }
    let value: object;
    try {
      value = type.decode(frame.payload);
    } catch (cause) {
      this.reportError(new BeckonError('malformed-frame', `Malformed ${type.name} from ${from}: ${describe(cause)}`, { peer: from, messageType: type.name, lane, cause }));
      return false;
    }
    const meta: MessageMeta = { type, from, to: frame.to, lane, sentAt: frame.sentAt, receivedAt: now(), replayed, reject };
    const handlers = this.#handlers.get(type.id);
    if (handlers) {
      for (let i = 0; i < handlers.length; i++) {
        try {
          handlers[i]!(value, meta);
        } catch (error) {
          reportListenerError(error);
        }
      }
    }
    if (this.#events.listenerCount('message') > 0) this.emit('message', { type, value, meta });
    return true;
  }

  /** Forwards a session's lifecycle events as room events, naming the peer by participant id once known. */
  protected forwardSessionEvents(session: PeerSession, peerName: () => string): void {
    const events = session.events;
    events.on('error', (error) => this.reportError(error.withPeer(peerName())));
    events.on('lane-open', ({ lane }) => this.emit('lane-open', { peer: peerName(), lane }));
    events.on('lane-close', ({ lane }) => this.emit('lane-close', { peer: peerName(), lane }));
    events.on('lane-error', ({ lane, error }) => this.emit('lane-error', { peer: peerName(), lane, error }));
    events.on('buffered-amount', (state) => this.emit('buffered-amount', { peer: peerName(), ...state }));
    events.on('delivery', (result) => this.#events.listenerCount('delivery') > 0 && this.emit('delivery', { peer: peerName(), result }));
    events.on('progress', (progress) => this.emit('progress', { ...progress, peer: peerName() }));
    events.on('rtt', (rttMs) => this.emit('rtt', { peer: peerName(), rttMs }));
  }

  protected encodePayload<T extends object>(type: MessageType<T>, value: MessageInit<T>): Uint8Array {
    this.registry.add(type);
    return type.encode(value);
  }
}
