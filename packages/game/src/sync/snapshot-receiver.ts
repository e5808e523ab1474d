import { decodeDelta } from '../codec/delta.ts';
import type { EntitySchema } from '../codec/schema.ts';
import { emptyFrame } from '../codec/world-frame.ts';
import type { WorldFrame } from '../codec/world-frame.ts';
import type { EncodedSnapshot } from './snapshot-history.ts';

export interface ReceivedSnapshot {
  readonly seq: number;
  readonly tick: number;
  readonly frame: WorldFrame;
  /** True when it is the newest snapshot decoded so far (false for a late, reordered one). */
  readonly newest: boolean;
}

export interface ReceiverStats {
  /** Snapshots that arrived. */
  received: number;
  decoded: number;
  /** Arrived after a newer one (kept as a baseline, not shown). */
  late: number;
  duplicate: number;
  /** Encoded against a baseline this client no longer (or never) had: dropped. */
  missingBaseline: number;
  malformed: number;
  /** Seqs skipped between consecutive newest snapshots: snapshots lost on the way (or not sent). */
  gaps: number;
}

/**
 * The client's side of the delta codec: keeps recent decoded snapshots as baselines, decodes each arriving
 * snapshot against the one it names, and says what to acknowledge. A snapshot whose baseline is missing, or
 * whose bytes are malformed, is dropped whole: state only ever comes from a complete, correct decode.
 */
export class SnapshotReceiver {
  readonly schema: EntitySchema;
  /** Must be at least the host's SnapshotHistory size. */
  readonly size: number;
  readonly stats: ReceiverStats = { received: 0, decoded: 0, late: 0, duplicate: 0, missingBaseline: 0, malformed: 0, gaps: 0 };
  readonly #ring: ({ seq: number; frame: WorldFrame } | undefined)[];
  #newest = 0;

  constructor(schema: EntitySchema, size = 64) {
    this.schema = schema;
    this.size = size;
    this.#ring = new Array<{ seq: number; frame: WorldFrame } | undefined>(size);
  }

  /** The seq to acknowledge: the newest snapshot decoded, 0 before the first. */
  get ack(): number {
    return this.#newest;
  }

  frame(seq: number): WorldFrame | undefined {
    const kept = this.#ring[seq % this.size];
    return kept?.seq === seq && seq > this.#newest - this.size ? kept.frame : undefined;
  }

  /** Decodes a snapshot, or returns undefined when it cannot be used (see `stats`). */
  receive(snapshot: EncodedSnapshot): ReceivedSnapshot | undefined {
    this.stats.received++;
    const { seq, baseline, tick } = snapshot;
    if (seq === 0) {
      this.stats.malformed++;
      return undefined;
    }
    if (seq <= this.#newest - this.size) {
      // Too old to keep without evicting a newer baseline from its slot.
      this.stats.late++;
      return undefined;
    }
    if (this.frame(seq)) {
      this.stats.duplicate++;
      return undefined;
    }
    let base: WorldFrame | undefined = emptyFrame;
    if (baseline !== 0) base = baseline < seq ? this.frame(baseline) : undefined;
    if (!base) {
      this.stats.missingBaseline++;
      return undefined;
    }
    let frame: WorldFrame;
    try {
      frame = decodeDelta(this.schema, base, snapshot.data);
    } catch {
      this.stats.malformed++;
      return undefined;
    }
    this.stats.decoded++;
    this.#ring[seq % this.size] = { seq, frame };
    const newest = seq > this.#newest;
    if (newest) {
      if (this.#newest > 0) this.stats.gaps += seq - this.#newest - 1;
      this.#newest = seq;
    } else {
      this.stats.late++;
    }
    return { seq, tick, frame, newest };
  }

  /** Forgets every baseline (after a reconnect, when the host starts over). */
  reset(): void {
    this.#ring.fill(undefined);
    this.#newest = 0;
  }
}
