import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../codec.ts';
import { StreamChunk } from '../gen/control.ts';
import { encodeStreamChunkFrame } from './chunk-frame.ts';

describe('stream chunk frames written in one pass', () => {
  it('are byte for byte what encodeFrame makes of StreamChunk.encode, for small and large ids, indexes and data', () => {
    for (const [id, index, length] of [
      [1, 0, 1],
      [0, 0, 0],
      [127, 128, 16_320],
      [2 ** 32 - 1, 300_000, 100],
      [5, 2 ** 31, 0],
    ] as const) {
      const data = new Uint8Array(length).map((_, i) => i * 31);
      const expected = encodeFrame({ type: StreamChunk.id, payload: StreamChunk.encode({ id, index, data }) });
      const frame = encodeStreamChunkFrame(id, index, data);
      expect(frame).toEqual(expected);
      const decoded = decodeFrame(frame);
      expect(decoded.ok && StreamChunk.decode(decoded.value.payload)).toEqual({ id, index, data });
      // Into a scratch buffer: the same bytes, in a view of it; one too small is left alone.
      const scratch = new Uint8Array(16_384);
      const view = encodeStreamChunkFrame(id, index, data, scratch);
      expect(view.buffer).toBe(scratch.buffer);
      expect(view).toEqual(expected);
      expect(encodeStreamChunkFrame(id, index, data, new Uint8Array(2))).toEqual(expected);
    }
  });
});
