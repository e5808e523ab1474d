import { BeckonError } from '../errors.ts';
import type { Chunk } from '../gen/control.ts';
import { now } from '../util.ts';
import { saneChunkHeader } from './chunks.ts';
import type { SessionOptions } from './options.ts';

interface IncomingTransfer {
  readonly count: number;
  readonly totalBytes: number;
  readonly type: number;
  readonly parts: Uint8Array[];
  received: number;
  lastAt: number;
}

/** What one chunk did: refused, moved a transfer on, or finished it (the whole message's bytes). */
export type ChunkOutcome =
  | { readonly kind: 'refused'; readonly error: BeckonError }
  | { readonly kind: 'progress'; readonly type: number; readonly bytes: number; readonly totalBytes: number }
  | { readonly kind: 'complete'; readonly type: number; readonly bytes: number; readonly totalBytes: number; readonly whole: Uint8Array };

type Limits = Pick<SessionOptions, 'maxMessageBytes' | 'maxConcurrentTransfers' | 'maxReassemblyBytes' | 'transferIdleMs'>;

/**
 * Incoming chunked transfers of one peer, bounded: how many at once, how many bytes (reserved at the declared size, so
 * transfers started together cannot add up past the bound), and how long one may stall.
 */
export class Reassembly {
  readonly #limits: Limits;
  readonly #transfers = new Map<number, IncomingTransfer>();
  #reservedBytes = 0;
  #heldBytes = 0;

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  /** Bytes held now in unfinished transfers. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  get size(): number {
    return this.#transfers.size;
  }

  /** Takes one chunk; `typeLimit` is the largest chunked message of its type the peer may send. */
  accept(chunk: Chunk, typeLimit: number): ChunkOutcome {
    const { transfer, index, count, totalBytes, data } = chunk;
    let incoming = this.#transfers.get(transfer);
    if (!incoming) {
      // A new transfer: its header must be sane and within every limit before a byte of it is kept.
      const limit = Math.min(this.#limits.maxMessageBytes, typeLimit);
      if (totalBytes > limit) return refused('oversized', `Chunked message of ${totalBytes} bytes exceeds the ${limit}-byte limit for its type`);
      if (index !== 0 || !saneChunkHeader(count, totalBytes) || this.#transfers.size >= this.#limits.maxConcurrentTransfers) {
        return refused('malformed-frame', `Unexpected chunk ${index}/${count} of transfer ${transfer} (${totalBytes} bytes)`);
      }
      if (this.#reservedBytes + totalBytes > this.#limits.maxReassemblyBytes) {
        return refused('oversized', `Transfer ${transfer} would hold more than ${this.#limits.maxReassemblyBytes} bytes of unfinished transfers`);
      }
      incoming = { count, totalBytes, type: chunk.type, parts: [], received: 0, lastAt: now() };
      this.#transfers.set(transfer, incoming);
      this.#reservedBytes += totalBytes;
    }
    if (index !== incoming.parts.length || count !== incoming.count || data.length === 0 || incoming.received + data.length > incoming.totalBytes) {
      this.#drop(transfer, incoming);
      return refused('malformed-frame', `Chunk ${index}/${count} of transfer ${transfer} does not fit the transfer`);
    }
    incoming.parts.push(data);
    incoming.received += data.length;
    incoming.lastAt = now();
    this.#heldBytes += data.length;
    const progress = { type: incoming.type, bytes: incoming.received, totalBytes: incoming.totalBytes };
    if (incoming.parts.length < incoming.count) return { kind: 'progress', ...progress };
    this.#drop(transfer, incoming);
    if (incoming.received !== incoming.totalBytes) {
      return refused('malformed-frame', `Transfer ${transfer} ended with ${incoming.received} of ${incoming.totalBytes} bytes`);
    }
    return { kind: 'complete', ...progress, whole: concat(incoming.parts, incoming.totalBytes) };
  }

  /** Frees transfers that stopped making progress, so a peer cannot park unfinished bytes here for long. */
  expire(): BeckonError[] {
    const t = now();
    const errors: BeckonError[] = [];
    for (const [transfer, incoming] of this.#transfers) {
      if (t - incoming.lastAt <= this.#limits.transferIdleMs) continue;
      this.#drop(transfer, incoming);
      errors.push(new BeckonError('timeout', `Transfer ${transfer} stalled at ${incoming.received} of ${incoming.totalBytes} bytes; dropped`));
    }
    return errors;
  }

  clear(): void {
    this.#transfers.clear();
    this.#reservedBytes = 0;
    this.#heldBytes = 0;
  }

  #drop(transfer: number, incoming: IncomingTransfer): void {
    if (this.#transfers.get(transfer) !== incoming) return;
    this.#transfers.delete(transfer);
    this.#heldBytes -= incoming.received;
    this.#reservedBytes -= incoming.totalBytes;
  }
}

function refused(code: 'oversized' | 'malformed-frame', message: string): ChunkOutcome {
  return { kind: 'refused', error: new BeckonError(code, message) };
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}
