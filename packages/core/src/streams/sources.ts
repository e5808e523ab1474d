import type { ByteSource } from './types.ts';

/** Bytes read from a Blob at a time: a slice is all a Blob source ever holds in memory. */
const blobSliceBytes = 256 * 1024;

/** The size a source declares by itself: a Blob's or an array's length; undefined for a ReadableStream. */
export function sourceSize(source: ByteSource): number | undefined {
  if (source instanceof Uint8Array) return source.byteLength;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return source.size;
  return undefined;
}

/**
 * The source a piece at a time, read only as the consumer asks for more (a Blob slice by slice, a ReadableStream
 * read by read), so the whole payload is never copied. Ending the iteration early cancels a ReadableStream.
 */
export async function* pieces(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (source instanceof Uint8Array) {
    // Views, not copies: the array is the app's, in memory already.
    for (let offset = 0; offset < source.byteLength; offset += blobSliceBytes) yield source.subarray(offset, offset + blobSliceBytes);
    return;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    for (let offset = 0; offset < source.size; offset += blobSliceBytes) {
      yield new Uint8Array(await source.slice(offset, offset + blobSliceBytes).arrayBuffer());
    }
    return;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      if (value.byteLength > 0) yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
