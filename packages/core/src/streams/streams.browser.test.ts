// Byte streams in a real browser (Chromium): a File read slice by slice, a ReadableStream, and the reader's
// ReadableStream piped through the browser's own TransformStream/Response machinery.
import { describe, expect, it } from 'vitest';
import { pattern, sameBytes, streamRooms } from '../test-utils/stream-rooms.ts';

describe('byte streams in Chromium', () => {
  it('sends a File and reads it back through the reader’s ReadableStream into a Blob', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const data = pattern(2 * 1024 * 1024 + 17);
      const file = new File([data as Uint8Array<ArrayBuffer>], 'photo.bin', { type: 'application/octet-stream' });
      const received = new Promise<{ bytes: Uint8Array; type: string; name: string }>((resolve, reject) =>
        host.onByteStream('files', (reader) => {
          // The browser's own consumer of a ReadableStream: a Response reading it to the end.
          void new Response(reader.readable)
            .blob()
            .then(async (blob) => resolve({ bytes: new Uint8Array(await blob.arrayBuffer()), type: reader.info.mimeType, name: reader.info.name }))
            .catch(reject);
        }),
      );
      await member.sendBytes(file, { topic: 'files', name: file.name, mimeType: file.type });
      const got = await received;
      expect(sameBytes(got.bytes, data)).toBe(true);
      expect(got).toMatchObject({ name: 'photo.bin', type: 'application/octet-stream' });
    } finally {
      await close();
    }
  });

  it('sends a ReadableStream from a TransformStream host → member, read with for await', async () => {
    const { host, members, close } = await streamRooms();
    const member = members[0]!;
    try {
      const data = pattern(700 * 1024, 3);
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const received = new Promise<Uint8Array>((resolve) => member.onByteStream('live', (reader) => void reader.readAll().then(resolve)));
      const sending = host.sendBytes(readable, { topic: 'live', to: member.selfId });
      const writer = writable.getWriter();
      for (let offset = 0; offset < data.byteLength; offset += 50 * 1024) await writer.write(data.slice(offset, offset + 50 * 1024));
      await writer.close();
      await sending;
      expect(sameBytes(await received, data)).toBe(true);
    } finally {
      await close();
    }
  });
});
