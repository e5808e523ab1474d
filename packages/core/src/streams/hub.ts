import type { Frame } from '../codec.ts';
import { reportListenerError } from '../emitter.ts';
import { BeckonError } from '../errors.ts';
import { StreamChunk, StreamClose, StreamEnd, StreamGrant, StreamOpen } from '../gen/control.ts';
import type { MessageType } from '../schema.ts';
import type { PeerSession } from '../session/index.ts';
import { cleanText } from '../text.ts';
import { describe, now } from '../util.ts';
import { IncomingByteStream } from './incoming.ts';
import type { ByteStreamReader } from './incoming.ts';
import { StreamLink } from './link.ts';
import { asBeckonError, ByteStreamWriter } from './outgoing.ts';
import { pieces, sourceSize } from './sources.ts';
import type { ByteSource, ByteStreamInfo, ByteStreamLimits, ByteStreamOptions, ByteStreamPolicy } from './types.ts';

/** Called with each accepted stream of a topic; `from` is the sender's participant id. */
export type ByteStreamHandler = (reader: ByteStreamReader, from: string) => void;

export const streamTypes: readonly MessageType[] = [StreamOpen, StreamChunk, StreamGrant, StreamEnd, StreamClose];
const streamIds: ReadonlySet<number> = new Set(streamTypes.map((type) => type.id));

/** Whether a frame belongs to a byte stream (handled by the room's ByteStreams, not as an app message). */
export function isStreamFrame(frame: Frame): boolean {
  return streamIds.has(frame.type);
}

/**
 * What the room checks a peer's stream frames against. Control frames (open, end, grants) take from the peer's
 * message budget like any message; chunks within the credit this side granted are free (the credit is their byte
 * budget), and anything else a peer sends (unknown streams, chunks beyond credit) takes from the budget and strikes.
 */
export interface StreamGuard {
  take(): boolean;
  strike(): void;
}

/** Topics are app-chosen names, compared as they are; a longer one is a hostile peer's. */
const maxTopicLength = 256;

const freeGuard: StreamGuard = { take: () => true, strike: () => undefined };

interface PeerStreams {
  readonly session: PeerSession;
  readonly link: StreamLink;
  readonly outgoing: Map<number, ByteStreamWriter>;
  readonly incoming: Map<number, IncomingByteStream>;
  /** Ids increase: a chunk for a lower id that is not open belongs to a stream that just ended, and is dropped. */
  lastIncomingId: number;
}

export interface ByteStreamsContext {
  readonly limits: ByteStreamLimits;
  /** This participant's id. */
  selfId(): string;
  /** Host only: whether a member may stream a topic to someone; undefined on members (the host decides there). */
  readonly policy: ByteStreamPolicy | undefined;
  isHost(): boolean;
  report(error: BeckonError): void;
}

/** A room's byte streams: per peer, the streams it sends and receives, and the topics the app listens to. */
export class ByteStreams {
  readonly #context: ByteStreamsContext;
  readonly #handlers = new Map<string, ByteStreamHandler>();
  readonly #peers = new Map<string, PeerStreams>();
  #nextId = 1;
  #idleTimer: ReturnType<typeof setInterval> | undefined;

  constructor(context: ByteStreamsContext) {
    this.#context = context;
  }

  /** Receives streams of `topic` (one handler per topic). Returns the unsubscribe function. */
  on(topic: string, handler: ByteStreamHandler): () => void {
    this.#handlers.set(topic, handler);
    return () => {
      if (this.#handlers.get(topic) === handler) this.#handlers.delete(topic);
    };
  }

  hasHandler(topic: string): boolean {
    return this.#handlers.has(topic);
  }

  /** A peer's session is live (joined): streams to and from it may start. */
  attach(peer: string, session: PeerSession): void {
    const previous = this.#peers.get(peer);
    if (previous?.session === session) return;
    if (previous) this.detach(peer, previous.session, 'replaced by a new link');
    this.#peers.set(peer, { session, link: new StreamLink(session), outgoing: new Map(), incoming: new Map(), lastIncomingId: 0 });
  }

  /** The peer's link is gone: every stream with it fails. */
  detach(peer: string, session: PeerSession, reason: string): void {
    const state = this.#peers.get(peer);
    if (!state || state.session !== session) return;
    this.#peers.delete(peer);
    const error = new BeckonError('not-connected', `The link to ${peer} closed (${reason})`, { peer });
    for (const writer of state.outgoing.values()) writer.fail(error);
    for (const incoming of state.incoming.values()) incoming.fail(error, false);
    state.link.dispose();
  }

  close(): void {
    for (const [peer, state] of [...this.#peers]) this.detach(peer, state.session, 'room closed');
    clearInterval(this.#idleTimer);
  }

  /** Bytes held in unread chunks of incoming streams from `peer`, for tests and diagnostics. */
  heldBytes(peer: string): number {
    let held = 0;
    for (const incoming of this.#peers.get(peer)?.incoming.values() ?? []) held += incoming.heldBytes;
    return held;
  }

  /** Opens a stream to `hop` (the peer on the link), for `to` (the final recipient), as `from`. */
  open(hop: string, options: ByteStreamOptions, to: string, from = this.#context.selfId()): ByteStreamWriter {
    const state = this.#peers.get(hop);
    if (!state || state.session.closed) throw new BeckonError('not-connected', `${hop} is not connected`, { peer: hop });
    const size = options.size;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw new BeckonError('oversized', `Stream size ${size} is not a byte count`);
    const id = this.#nextId++;
    const info: ByteStreamInfo = { id, topic: options.topic, name: options.name ?? '', mimeType: options.mimeType ?? '', size, from, to };
    const writer = new ByteStreamWriter(info, state.link, this.#context.limits.idleMs, options.onProgress);
    state.link.send(StreamOpen, {
      id,
      topic: info.topic,
      name: info.name,
      mimeType: info.mimeType,
      size: size ?? 0,
      hasSize: size !== undefined,
      to: to === hop ? '' : to,
      from: from === this.#context.selfId() ? '' : from,
    });
    state.outgoing.set(id, writer);
    void writer.done.then(
      () => state.outgoing.delete(id),
      () => state.outgoing.delete(id),
    );
    const signal = options.signal;
    if (signal) {
      const abort = (): void => void writer.abort(signal.reason === undefined ? 'aborted' : describe(signal.reason));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      void writer.done.finally(() => signal.removeEventListener('abort', abort)).catch(() => undefined);
    }
    return writer;
  }

  /** Sends a whole source, a piece at a time; resolves when the receiver has every byte. */
  async send(hop: string, source: ByteSource, options: ByteStreamOptions, to: string): Promise<ByteStreamInfo> {
    const size = options.size ?? sourceSize(source);
    const writer = this.open(hop, size === undefined ? options : { ...options, size }, to);
    try {
      for await (const piece of pieces(source)) await writer.write(piece);
      await writer.close();
    } catch (error) {
      const failure = asBeckonError(error);
      await writer.abort(failure.message);
      throw failure;
    }
    return writer.info;
  }

  /** A stream frame from `peer` (its participant id). Never throws: problems are reported and counted. */
  receive(peer: string, frame: Frame, guard: StreamGuard = freeGuard): void {
    const state = this.#peers.get(peer);
    if (!state) return;
    const fail = (error: BeckonError): void => {
      this.#context.report(error.withPeer(peer));
      guard.strike();
    };
    const decode = <T extends object>(type: MessageType<T>): T | undefined => {
      try {
        return type.decode(frame.payload);
      } catch (cause) {
        fail(new BeckonError('malformed-frame', `Malformed ${type.name} from ${peer}`, { peer, messageType: type.name, cause }));
        return undefined;
      }
    };
    if (frame.type === StreamChunk.id) {
      const chunk = decode(StreamChunk);
      if (!chunk) return;
      const incoming = state.incoming.get(chunk.id);
      if (incoming) {
        const error = incoming.chunk(chunk);
        if (error) fail(error);
        return;
      }
      // Not a stream of ours: costs the peer a message from its budget, like any frame we did not ask for.
      if (!guard.take()) return fail(new BeckonError('rate-limited', `${peer} sends chunks of closed streams too fast`, { peer }));
      if (chunk.id > state.lastIncomingId) fail(new BeckonError('malformed-frame', `Chunk of unknown stream ${chunk.id} from ${peer}`, { peer }));
      return;
    }
    if (!guard.take()) return fail(new BeckonError('rate-limited', `${peer} sends stream control frames too fast; dropped`, { peer }));
    switch (frame.type) {
      case StreamOpen.id: {
        const open = decode(StreamOpen);
        if (open) this.#opened(peer, state, open, fail);
        return;
      }
      case StreamEnd.id: {
        const end = decode(StreamEnd);
        if (!end) return;
        const incoming = state.incoming.get(end.id);
        if (incoming) {
          const error = incoming.end(end);
          if (error) fail(error);
        } else if (end.id > state.lastIncomingId) fail(new BeckonError('malformed-frame', `End of unknown stream ${end.id} from ${peer}`, { peer }));
        return;
      }
      case StreamGrant.id: {
        const grant = decode(StreamGrant);
        if (grant) state.outgoing.get(grant.id)?.granted(grant);
        return;
      }
      case StreamClose.id: {
        const close = decode(StreamClose);
        if (close) state.outgoing.get(close.id)?.closedByReceiver(close);
        return;
      }
    }
  }

  #opened(peer: string, state: PeerStreams, open: StreamOpen, fail: (error: BeckonError) => void): void {
    const limits = this.#context.limits;
    if (open.id <= state.lastIncomingId) {
      // Never answered: a StreamClose would name a stream the sender may still be sending.
      return fail(new BeckonError('malformed-frame', `${peer} opened stream ${open.id} again (ids must increase)`, { peer }));
    }
    state.lastIncomingId = open.id;
    const self = this.#context.selfId();
    const from = !this.#context.isHost() && open.from !== '' ? open.from : peer;
    const to = open.to === '' ? self : open.to;
    const size = open.hasSize ? open.size : undefined;
    const refuse = (code: string, reason: string): void => {
      state.link.trySend(StreamClose, { id: open.id, code, reason });
      this.#context.report(new BeckonError(code === 'cancelled' ? 'cancelled' : (code as 'refused'), `Stream ${open.id} (${open.topic}) from ${from} refused: ${reason}`, { peer: from }));
    };
    const relay = this.#context.isHost() && to !== self;
    if (relay) {
      if (!this.#context.policy?.(open.topic, from, to)) return refuse('policy-violation', `members may not stream ${open.topic} to ${to}`);
      if (!this.#peers.has(to)) return refuse('not-connected', `${to} is not connected`);
    } else {
      if (!this.#handlers.has(open.topic)) return refuse('refused', `nobody here receives ${open.topic}`);
      if (this.#context.isHost() && this.#context.policy && !this.#context.policy(open.topic, from, self)) {
        return refuse('policy-violation', `members may not stream ${open.topic}`);
      }
    }
    if (open.topic.length > maxTopicLength) return refuse('refused', `topic longer than ${maxTopicLength} characters`);
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0 || size > limits.maxBytes)) {
      return refuse('oversized', `declared ${size} bytes; the limit is ${limits.maxBytes}`);
    }
    if (state.incoming.size >= limits.maxConcurrent) return refuse('rate-limited', `${limits.maxConcurrent} streams from ${peer} are open already`);
    // Names and types come from a peer and end up in UIs: cleaned like any display text.
    const info: ByteStreamInfo = { id: open.id, topic: open.topic, name: cleanText(open.name, 256), mimeType: cleanText(open.mimeType, 128), size, from, to };
    const incoming = new IncomingByteStream(info, state.link, limits, (finished) => state.incoming.delete(finished.info.id), relay);
    state.incoming.set(open.id, incoming);
    this.#watchIdle();
    if (relay) this.#relay(incoming, to);
    else {
      const handler = this.#handlers.get(open.topic)!;
      try {
        handler(incoming.reader, from);
      } catch (error) {
        reportListenerError(error);
      }
    }
    incoming.start();
  }

  /** Host: pipes a member's stream to another member, at the pace the recipient reads. */
  #relay(incoming: IncomingByteStream, to: string): void {
    let writer: ByteStreamWriter;
    const info = incoming.info;
    try {
      writer = this.open(to, { topic: info.topic, name: info.name, mimeType: info.mimeType, ...(info.size === undefined ? {} : { size: info.size }) }, to, info.from);
    } catch (error) {
      incoming.fail(asBeckonError(error), true);
      return;
    }
    void (async () => {
      const reader = incoming.reader.readable.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await writer.write(value);
        }
        await writer.close();
        incoming.confirm();
      } catch (error) {
        const failure = asBeckonError(error);
        // The recipient refused or cancelled: the sender hears its reason. The sender aborted: the recipient does.
        incoming.fail(failure, true);
        await writer.abort(failure.message);
      } finally {
        reader.releaseLock();
      }
    })();
  }

  /** Incoming streams whose sender has credit but sends nothing fail after `idleMs` (the sender vanished). */
  #watchIdle(): void {
    if (this.#idleTimer !== undefined) return;
    const idleMs = this.#context.limits.idleMs;
    this.#idleTimer = setInterval(() => {
      const t = now();
      let open = 0;
      for (const [peer, state] of this.#peers) {
        for (const incoming of [...state.incoming.values()]) {
          open++;
          if (!incoming.waitingForSender || t - incoming.lastHeardAt <= idleMs) continue;
          const error = new BeckonError('timeout', `Stream ${incoming.info.id} (${incoming.info.topic}) from ${peer} sent nothing for ${idleMs} ms`, { peer });
          this.#context.report(incoming.fail(error, true));
        }
      }
      if (open === 0) {
        clearInterval(this.#idleTimer);
        this.#idleTimer = undefined;
      }
    }, Math.max(50, Math.min(1000, idleMs / 4)));
  }
}
