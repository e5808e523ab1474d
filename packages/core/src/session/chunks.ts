import { Writer } from '../wire/index.ts';
import { Chunk } from '../gen/control.ts';

/** Room a chunk frame's envelope and Chunk header take beside the data, so a chunk frame stays within the frame limit. */
export const chunkOverhead = 64;

/** An outgoing chunked message: chunk frames are made one at a time, as the channel drains. */
export interface OutgoingTransfer {
  /** The encoded message as segments (the frame's head, then the payload); chunks are views into them. */
  readonly segments: readonly Uint8Array[];
  readonly message: { readonly length: number };
  readonly transfer: number;
  readonly type: number;
  readonly chunkSize: number;
  readonly count: number;
  index: number;
}

/** Encodes the next chunk frame of a transfer: one copy of the chunk's bytes. */
export function nextChunkFrame(job: OutgoingTransfer): Uint8Array {
  const start = job.index * job.chunkSize;
  return encodeChunkFrame(job, sliceSegments(job.segments, start, Math.min(job.message.length, start + job.chunkSize)));
}

/**
 * A chunk header worth keeping: at least one byte per chunk, and no more chunks than 1 KiB pieces would need (every
 * sender chunks at 1 KiB or more), so an empty or absurd header (count 2^32-1) never starts a transfer.
 */
export function saneChunkHeader(count: number, totalBytes: number): boolean {
  return count >= 1 && totalBytes >= count && count <= Math.ceil(totalBytes / 1024) + 1;
}

const CHUNK_TYPE_TAG = (1 << 3) | 5;
const CHUNK_PAYLOAD_TAG = (2 << 3) | 2;

/**
 * An Envelope carrying a Chunk, written in one pass (wire-compatible with `Chunk` in protos/beckon/control.proto and
 * `encodeFrame`; codec.test.ts checks it against both).
 */
export function encodeChunkFrame(
  job: Pick<OutgoingTransfer, 'transfer' | 'index' | 'count' | 'type'> & { readonly message: { readonly length: number } },
  data: Uint8Array,
): Uint8Array {
  const writer = Writer.create();
  writer.uint32(CHUNK_TYPE_TAG).fixed32(Chunk.id);
  writer.uint32(CHUNK_PAYLOAD_TAG).fork();
  if (job.transfer) writer.uint32((1 << 3) | 0).uint32(job.transfer);
  if (job.index) writer.uint32((2 << 3) | 0).uint32(job.index);
  if (job.count) writer.uint32((3 << 3) | 0).uint32(job.count);
  if (job.message.length) writer.uint32((4 << 3) | 0).uint32(job.message.length);
  if (data.length) writer.uint32((5 << 3) | 2).bytes(data);
  if (job.type) writer.uint32((6 << 3) | 5).fixed32(job.type);
  writer.ldelim();
  return writer.finish();
}

/** Bytes [start, end) of the concatenation of `segments`: a view when they lie in one segment, else a copy. */
function sliceSegments(segments: readonly Uint8Array[], start: number, end: number): Uint8Array {
  let offset = 0;
  for (const segment of segments) {
    const segmentEnd = offset + segment.length;
    if (start >= offset && end <= segmentEnd) return segment.subarray(start - offset, end - offset);
    offset = segmentEnd;
  }
  const out = new Uint8Array(end - start);
  offset = 0;
  for (const segment of segments) {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + segment.length);
    if (from < to) out.set(segment.subarray(from - offset, to - offset), from - start);
    offset += segment.length;
  }
  return out;
}
