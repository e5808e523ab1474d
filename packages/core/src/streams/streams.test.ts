import { describe, expect, it } from 'vitest';
import { isBeckonError } from '../errors.ts';
import type { BeckonError } from '../errors.ts';
import { waitFor } from '../test-utils/wait.ts';
import type { ByteStreamReader } from './incoming.ts';
import { pattern, sameBytes, streamRooms } from '../test-utils/stream-rooms.ts';

const kib = 1024;
const mib = 1024 * kib;

describe('byte streams', () => {
  it('member → host: a Uint8Array arrives whole, in order, with info and progress on both ends', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const data = pattern(3 * mib + 123);
      const received: Promise<{ bytes: Uint8Array; reader: ByteStreamReader; from: string; progress: number[] }> = new Promise((resolve) => {
        host.onByteStream('files', (reader, from) => {
          const progress: number[] = [];
          reader.onProgress = (p) => progress.push(p.bytes);
          void reader.readAll().then((bytes) => resolve({ bytes, reader, from, progress }));
        });
      });
      const sent: number[] = [];
      const info = await member.sendBytes(data, { topic: 'files', name: 'a.bin', mimeType: 'application/octet-stream', onProgress: (p) => sent.push(p.bytes) });
      const got = await received;
      expect(sameBytes(got.bytes, data)).toBe(true);
      expect(got.from).toBe(member.selfId);
      expect(got.reader.info).toMatchObject({ topic: 'files', name: 'a.bin', mimeType: 'application/octet-stream', size: data.byteLength, from: member.selfId, to: host.selfId });
      expect(info.size).toBe(data.byteLength);
      expect(sent.at(-1)).toBe(data.byteLength);
      expect(sent.every((bytes, i) => i === 0 || bytes > sent[i - 1]!)).toBe(true);
      expect(got.progress.at(-1)).toBe(data.byteLength);
    } finally {
      await close();
    }
  });

  it('host → member: a Blob and a ReadableStream of unknown length arrive intact', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const blobData = pattern(600 * kib, 1);
      const streamData = pattern(900 * kib, 2);
      const got = new Map<string, Uint8Array>();
      const sizes = new Map<string, number | undefined>();
      member.onByteStream('media', (reader) => {
        sizes.set(reader.info.name, reader.info.size);
        void reader.readAll().then((bytes) => got.set(reader.info.name, bytes));
      });
      const source = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < streamData.byteLength; offset += 100 * kib) controller.enqueue(streamData.slice(offset, offset + 100 * kib));
          controller.close();
        },
      });
      await Promise.all([
        host.sendBytes(new Blob([blobData as Uint8Array<ArrayBuffer>]), { to: member.selfId, topic: 'media', name: 'blob' }),
        host.sendBytes(source, { to: member.selfId, topic: 'media', name: 'stream' }),
      ]);
      await waitFor(() => got.size === 2, 5000, 'both streams read');
      expect(sameBytes(got.get('blob')!, blobData)).toBe(true);
      expect(sameBytes(got.get('stream')!, streamData)).toBe(true);
      expect(sizes.get('blob')).toBe(blobData.byteLength);
      expect(sizes.get('stream')).toBeUndefined();
    } finally {
      await close();
    }
  });

  it('an open writer: write() waits for the reader, close() settles once the receiver has everything', async () => {
    const { host, members, close } = await streamRooms(1, { streams: {} }, {});
    const member = members[0]!;
    try {
      const parts: Uint8Array[] = [];
      host.onByteStream('live', (reader) => {
        void (async () => {
          for await (const part of reader) parts.push(part);
        })();
      });
      const writer = member.streamBytes({ topic: 'live' });
      for (let i = 0; i < 10; i++) await writer.write(pattern(50 * kib, i));
      await writer.close();
      expect(writer.bytesSent).toBe(500 * kib);
      await waitFor(() => parts.reduce((n, p) => n + p.byteLength, 0) === 500 * kib, 5000, 'all parts read');
    } finally {
      await close();
    }
  });

  it('a slow reader bounds the sender: never more than the window is sent beyond what was read', async () => {
    const windowBytes = 256 * kib;
    const { host, members, close } = await streamRooms(1, { streams: { windowBytes } });
    const member = members[0]!;
    try {
      let reader: ByteStreamReader | undefined;
      host.onByteStream('slow', (r) => (reader = r));
      const writer = member.streamBytes({ topic: 'slow', size: 4 * mib });
      const writing = (async () => {
        for (let i = 0; i < 64; i++) await writer.write(pattern(64 * kib, i));
        await writer.close();
      })();
      await waitFor(() => reader, 2000, 'the stream to open');
      // Nobody reads: the sender stops at the window.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(writer.bytesSent).toBeLessThanOrEqual(windowBytes);
      expect(reader!.bytesReceived).toBeLessThanOrEqual(windowBytes);
      // Read slowly; at every read the sender is at most a window ahead.
      const iterator = reader!.readable.getReader();
      let read = 0;
      let worstLead = 0;
      for (;;) {
        const { done, value } = await iterator.read();
        if (done) break;
        read += value.byteLength;
        worstLead = Math.max(worstLead, writer.bytesSent - read);
        if (read % (512 * kib) < value.byteLength) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await writing;
      expect(read).toBe(4 * mib);
      expect(worstLead).toBeLessThanOrEqual(windowBytes);
    } finally {
      await close();
    }
  });

  it('the reader cancels: the sender rejects with cancelled and the reason', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      host.onByteStream('files', (reader) => {
        void (async () => {
          let n = 0;
          for await (const part of reader) {
            n += part.byteLength;
            if (n > 100 * kib) return reader.cancel('not interested');
          }
        })();
      });
      const error = (await member.sendBytes(pattern(2 * mib), { topic: 'files' }).catch((e: unknown) => e)) as BeckonError;
      expect(isBeckonError(error, 'cancelled')).toBe(true);
      expect(error.message).toMatch(/not interested|stopped reading/);
    } finally {
      await close();
    }
  });

  it('the sender aborts (AbortSignal): the reader fails with cancelled and the promise rejects', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      let readError: unknown;
      host.onByteStream('files', (reader) => {
        void reader.readAll().catch((error: unknown) => (readError = error));
      });
      const controller = new AbortController();
      const sending = member.sendBytes(pattern(8 * mib), { topic: 'files', signal: controller.signal, onProgress: (p) => p.bytes > 200 * kib && controller.abort('changed my mind') });
      const error = await sending.catch((e: unknown) => e);
      expect(isBeckonError(error, 'cancelled')).toBe(true);
      await waitFor(() => readError, 2000, 'the reader to fail');
      expect(isBeckonError(readError, 'cancelled')).toBe(true);
      expect((readError as Error).message).toContain('changed my mind');
    } finally {
      await close();
    }
  });

  it('a topic nobody receives is refused, and the sender learns why', async () => {
    const { members, close } = await streamRooms();
    try {
      const error = await members[0]!.sendBytes(pattern(10 * kib), { topic: 'nope' }).catch((e: unknown) => e);
      expect(isBeckonError(error, 'refused')).toBe(true);
    } finally {
      await close();
    }
  });

  it('member → member goes through the host only when its policy allows, at the recipient’s pace', async () => {
    const { host, members, close } = await streamRooms(2, { streamPolicy: (topic, _from, to) => topic === 'share' && to !== host.selfId });
    const [alice, bob] = members as [typeof members[0], typeof members[0]];
    try {
      const data = pattern(1 * mib + 5);
      const got = new Promise<{ bytes: Uint8Array; from: string }>((resolve) =>
        bob.onByteStream('share', (reader, from) => void reader.readAll().then((bytes) => resolve({ bytes, from }))),
      );
      await alice.sendBytes(data, { topic: 'share', to: bob.selfId });
      const { bytes, from } = await got;
      expect(from).toBe(alice.selfId);
      expect(sameBytes(bytes, data)).toBe(true);
      const refused = await alice.sendBytes(pattern(10), { topic: 'secret', to: bob.selfId }).catch((e: unknown) => e);
      expect(isBeckonError(refused, 'policy-violation')).toBe(true);
    } finally {
      await close();
    }
  });

  it('a stream to a member that leaves mid-way fails with not-connected', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      member.onByteStream('media', () => undefined); // never reads
      const sending = host.sendBytes(pattern(16 * mib), { to: member.selfId, topic: 'media' }).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await member.leave();
      const error = await sending;
      expect(isBeckonError(error, 'not-connected')).toBe(true);
    } finally {
      await close();
    }
  });
});
