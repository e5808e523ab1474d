import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../codec.ts';
import type { LoopbackTransport } from '../loopback.ts';
import { isBeckonError } from '../errors.ts';
import type { BeckonError, BeckonErrorCode } from '../errors.ts';
import { StreamChunk, StreamClose, StreamEnd, StreamGrant, StreamOpen } from '../gen/control.ts';
import type { MessageInit, MessageType } from '../schema.ts';
import type { PeerSession } from '../session/index.ts';
import { hostSession, memberSession, streamHeldBytes } from '../testing.ts';
import { waitFor } from '../test-utils/wait.ts';
import type { ByteStreamReader } from './incoming.ts';
import { pattern, streamRooms } from '../test-utils/stream-rooms.ts';

const kib = 1024;

/** Sends a stream frame as a hostile member would: straight on its session, bypassing the room's stream API. */
function raw<T extends object>(session: PeerSession, type: MessageType<T>, value: MessageInit<T>): void {
  session.send({ type: type.id, payload: type.encode(value) }, 'reliable', false);
}

/** The StreamClose frames the host sends back to a hostile member, by stream id. */
function closes(session: PeerSession): Map<number, StreamClose> {
  const seen = new Map<number, StreamClose>();
  session.events.on('frame', ({ frame }) => {
    if (frame.type === StreamClose.id) {
      const close = StreamClose.decode(frame.payload);
      seen.set(close.id, close);
    }
  });
  return seen;
}

function errorsOf(room: { on(event: 'error', handler: (error: BeckonError) => void): () => void }): BeckonError[] {
  const errors: BeckonError[] = [];
  room.on('error', (error) => errors.push(error));
  return errors;
}

const hasError = (errors: BeckonError[], code: BeckonErrorCode, text?: RegExp): boolean =>
  errors.some((error) => error.code === code && (text === undefined || text.test(error.message)));

describe('byte streams under hostile input', () => {
  it('chunks of a stream that was never opened: reported, nothing held, nothing thrown', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const errors = errorsOf(host);
      const session = memberSession(member)!;
      for (let i = 0; i < 5; i++) raw(session, StreamChunk, { id: 99, index: i, data: pattern(8 * kib) });
      await waitFor(() => hasError(errors, 'malformed-frame', /unknown stream 99/), 2000, 'the unknown stream reported');
      expect(streamHeldBytes(host, member.selfId)).toBe(0);
      expect(host.state).toBe('open');
    } finally {
      await close();
    }
  });

  it('a flood of chunks for unknown streams takes from the member’s budget and gets it removed', async () => {
    const { host, members, close } = await streamRooms(1, { rateLimit: { perSecond: 50, burst: 50, removeAfter: 100 } });
    const member = members[0]!;
    try {
      const session = memberSession(member)!;
      const left = new Promise<string>((resolve) => host.on('leave', ({ reason }) => resolve(reason)));
      for (let i = 0; i < 400 && !session.closed; i++) raw(session, StreamChunk, { id: 1000 + i, index: 0, data: pattern(1 * kib) });
      expect(await left).toMatch(/removed/);
    } finally {
      await close();
    }
  });

  it('more bytes than declared: the stream fails with oversized, the sender is told, nothing more is kept', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const errors = errorsOf(host);
      let readError: unknown;
      host.onByteStream('files', (reader) => void reader.readAll().catch((error: unknown) => (readError = error)));
      const session = memberSession(member)!;
      const told = closes(session);
      raw(session, StreamOpen, { id: 1, topic: 'files', size: 10 * kib, hasSize: true });
      raw(session, StreamChunk, { id: 1, index: 0, data: pattern(8 * kib) });
      raw(session, StreamChunk, { id: 1, index: 1, data: pattern(8 * kib) });
      await waitFor(() => told.get(1)?.code === 'oversized', 2000, 'the sender told oversized');
      await waitFor(() => readError, 2000, 'the reader to fail');
      expect(isBeckonError(readError, 'oversized')).toBe(true);
      expect(hasError(errors, 'oversized')).toBe(true);
      expect(streamHeldBytes(host, member.selfId)).toBe(0);
    } finally {
      await close();
    }
  });

  it('a declared size beyond the limit is refused before a byte is taken', async () => {
    const { host, members, close } = await streamRooms(1, { streams: { maxBytes: 1024 * kib } });
    const member = members[0]!;
    try {
      let opened = false;
      host.onByteStream('files', () => (opened = true));
      const error = await member.sendBytes(pattern(10), { topic: 'files', size: 10, name: 'x' }).then(() => undefined);
      expect(error).toBeUndefined();
      opened = false;
      const session = memberSession(member)!;
      const told = closes(session);
      raw(session, StreamOpen, { id: 50, topic: 'files', size: 2 ** 40, hasSize: true });
      await waitFor(() => told.get(50), 2000, 'the refusal');
      expect(told.get(50)!.code).toBe('oversized');
      expect(opened).toBe(false);
    } finally {
      await close();
    }
  });

  it('out-of-order and duplicate chunks fail the stream with malformed-frame', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const errors = errorsOf(host);
      host.onByteStream('files', () => undefined);
      const session = memberSession(member)!;
      const told = closes(session);
      raw(session, StreamOpen, { id: 1, topic: 'files' });
      raw(session, StreamChunk, { id: 1, index: 0, data: pattern(kib) });
      raw(session, StreamChunk, { id: 1, index: 0, data: pattern(kib) }); // duplicate
      raw(session, StreamOpen, { id: 2, topic: 'files' });
      raw(session, StreamChunk, { id: 2, index: 1, data: pattern(kib) }); // skips 0
      await waitFor(() => told.get(1) && told.get(2), 2000, 'both streams failed');
      expect(told.get(1)!.code).toBe('malformed-frame');
      expect(told.get(2)!.code).toBe('malformed-frame');
      expect(hasError(errors, 'malformed-frame', /duplicate or out of order/)).toBe(true);
    } finally {
      await close();
    }
  });

  it('an id opened twice is refused (ids increase), without touching the first stream', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const errors = errorsOf(host);
      let opened = 0;
      host.onByteStream('files', () => opened++);
      const session = memberSession(member)!;
      raw(session, StreamOpen, { id: 7, topic: 'files' });
      raw(session, StreamOpen, { id: 7, topic: 'files' });
      raw(session, StreamOpen, { id: 3, topic: 'files' });
      await waitFor(() => errors.filter((e) => /opened stream/.test(e.message)).length === 2, 2000, 'both re-opens reported');
      expect(opened).toBe(1);
    } finally {
      await close();
    }
  });

  it('too many open streams: the next is refused with rate-limited', async () => {
    const { host, members, close } = await streamRooms(1, { streams: { maxConcurrent: 2 } });
    const member = members[0]!;
    try {
      host.onByteStream('files', () => undefined);
      const session = memberSession(member)!;
      const told = closes(session);
      for (let id = 1; id <= 4; id++) raw(session, StreamOpen, { id, topic: 'files' });
      await waitFor(() => told.size === 2, 2000, 'two refusals');
      expect([...told.keys()]).toEqual([3, 4]);
      expect([...told.values()].every((c) => c.code === 'rate-limited')).toBe(true);
    } finally {
      await close();
    }
  });

  it('a sender that ignores its credit: the stream fails and the host never holds more than the window', async () => {
    const windowBytes = 256 * kib;
    const { host, members, close } = await streamRooms(1, { streams: { windowBytes } });
    const member = members[0]!;
    try {
      host.onByteStream('files', () => undefined); // never reads
      const session = memberSession(member)!;
      const told = closes(session);
      let peak = 0;
      raw(session, StreamOpen, { id: 1, topic: 'files' });
      for (let i = 0; i < 48; i++) {
        raw(session, StreamChunk, { id: 1, index: i, data: pattern(8 * kib) });
        if (i % 4 === 3) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          peak = Math.max(peak, streamHeldBytes(host, member.selfId));
        }
      }
      await waitFor(() => told.get(1), 2000, 'the stream to fail');
      expect(told.get(1)!.code).toBe('malformed-frame');
      expect(told.get(1)!.reason).toMatch(/granted/);
      expect(peak).toBeLessThanOrEqual(windowBytes);
      expect(streamHeldBytes(host, member.selfId)).toBe(0);
    } finally {
      await close();
    }
  });

  it('a member that never reads: the host’s sender stops at the window, its queue stays short', async () => {
    const windowBytes = 256 * kib;
    const { host, members, close } = await streamRooms(1, {}, { streams: { windowBytes } });
    const member = members[0]!;
    try {
      member.onByteStream('media', () => undefined);
      const writer = host.streamBytes({ to: member.selfId, topic: 'media' });
      const writing = (async () => {
        for (let i = 0; i < 100; i++) await writer.write(pattern(64 * kib, i));
      })().catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(writer.bytesSent).toBeLessThanOrEqual(windowBytes);
      expect(streamHeldBytes(member, host.selfId)).toBeLessThanOrEqual(windowBytes);
      // Nothing piles up in the host's send queue either: the writer waits instead.
      expect(hostSession(host, member.selfId)!.backlog('reliable').queuedBytes).toBe(0);
      await writer.abort('test over');
      expect(isBeckonError(await writing, 'cancelled')).toBe(true);
    } finally {
      await close();
    }
  });

  it('a sender that goes quiet mid-stream: the reader fails with timeout and the sender is told', async () => {
    const { host, members, close } = await streamRooms(1, { streams: { idleMs: 200 } });
    const member = members[0]!;
    try {
      let reader: ByteStreamReader | undefined;
      host.onByteStream('files', (r) => (reader = r));
      const session = memberSession(member)!;
      const told = closes(session);
      raw(session, StreamOpen, { id: 1, topic: 'files', size: 100 * kib, hasSize: true });
      raw(session, StreamChunk, { id: 1, index: 0, data: pattern(10 * kib) });
      await waitFor(() => reader, 2000, 'the stream to open');
      const error = await reader!.readAll().catch((e: unknown) => e);
      expect(isBeckonError(error, 'timeout')).toBe(true);
      await waitFor(() => told.get(1), 2000, 'the sender told');
      expect(told.get(1)!.code).toBe('timeout');
      expect(streamHeldBytes(host, member.selfId)).toBe(0);
    } finally {
      await close();
    }
  });

  it('a receiver that never answers an open (a host without streams, a stalled link): the sender fails with timeout', async () => {
    const { host, members, close } = await streamRooms(1, {}, { streams: { idleMs: 200 } });
    const member = members[0]!;
    try {
      host.onByteStream('files', (reader) => void reader.readAll().catch(() => undefined));
      const link = [...(member.transport as LoopbackTransport).links][0]!;
      link.stall(1000);
      const error = await member.sendBytes(pattern(1024 * kib), { topic: 'files' }).catch((e: unknown) => e);
      expect(isBeckonError(error, 'timeout')).toBe(true);
    } finally {
      await close();
    }
  });

  it('an end that does not match what arrived fails the stream; garbage payloads are reported, not thrown', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const errors = errorsOf(host);
      host.onByteStream('files', () => undefined);
      const session = memberSession(member)!;
      const told = closes(session);
      raw(session, StreamOpen, { id: 1, topic: 'files' });
      raw(session, StreamChunk, { id: 1, index: 0, data: pattern(kib) });
      raw(session, StreamEnd, { id: 1, bytes: 5 * kib });
      for (const type of [StreamOpen, StreamChunk, StreamGrant, StreamEnd, StreamClose]) {
        session.send({ type: type.id, payload: new Uint8Array([0xff, 0xff, 0xff]) }, 'reliable', false);
      }
      // Also a whole envelope inside a chunk, to show data is never interpreted.
      raw(session, StreamGrant, { id: 12345, credit: Number.POSITIVE_INFINITY, received: -1 });
      session.send({ type: StreamChunk.id, payload: encodeFrame({ type: 1, payload: new Uint8Array(3) }) }, 'reliable', false);
      await waitFor(() => told.get(1), 2000, 'the bad end reported');
      expect(told.get(1)!.code).toBe('malformed-frame');
      await waitFor(() => errors.filter((e) => e.code === 'malformed-frame').length >= 5, 2000, 'garbage reported');
      expect(host.state).toBe('open');
    } finally {
      await close();
    }
  });

  it('stream chunks do not count against the room’s message rate: a 2 MiB stream passes a 20/s limit', async () => {
    const { host, members, close } = await streamRooms(1, { rateLimit: { perSecond: 20, burst: 40, removeAfter: 50 } });
    const member = members[0]!;
    try {
      let got = 0;
      host.onByteStream('files', (reader) => void reader.readAll().then((bytes) => (got = bytes.byteLength)));
      await member.sendBytes(pattern(2048 * kib), { topic: 'files' });
      await waitFor(() => got === 2048 * kib, 2000, 'all bytes read');
      expect(member.state).toBe('open');
    } finally {
      await close();
    }
  });

  it('a member may not stream to another member by default, nor to a host topic its policy refuses', async () => {
    const { host, members, close } = await streamRooms(2, { streamPolicy: (topic) => topic === 'ok' });
    const [alice, bob] = members as [typeof members[0], typeof members[0]];
    try {
      host.onByteStream('ok', (reader) => void reader.readAll());
      host.onByteStream('private', (reader) => void reader.readAll());
      bob.onByteStream('ok', (reader) => void reader.readAll());
      await alice.sendBytes(pattern(kib), { topic: 'ok' });
      expect(isBeckonError(await alice.sendBytes(pattern(kib), { topic: 'private' }).catch((e: unknown) => e), 'policy-violation')).toBe(true);
      const { host: host2, members: m2, close: close2 } = await streamRooms(2);
      try {
        m2[1]!.onByteStream('ok', (reader) => void reader.readAll());
        const error = await m2[0]!.sendBytes(pattern(kib), { topic: 'ok', to: m2[1]!.selfId }).catch((e: unknown) => e);
        expect(isBeckonError(error, 'policy-violation')).toBe(true);
        expect(host2.state).toBe('open');
      } finally {
        await close2();
      }
    } finally {
      await close();
    }
  });
});
