import { BitWriter } from '../codec/bits.ts';
import { encodeDelta } from '../codec/delta.ts';
import type { EntitySchema } from '../codec/schema.ts';
import { emptyFrame } from '../codec/world-frame.ts';
import type { WorldFrame } from '../codec/world-frame.ts';

export interface EncodedSnapshot {
  readonly seq: number;
  /** 0 for a full snapshot. */
  readonly baseline: number;
  readonly tick: number;
  readonly data: Uint8Array;
}

interface Taken {
  readonly seq: number;
  readonly tick: number;
  readonly frame: WorldFrame;
}

/**
 * The host's recent snapshots, shared by every client: one seq per snapshot taken. A client's delta is encoded
 * against the newest snapshot it acknowledged while that snapshot is still here, else sent full. Encodings are
 * cached per baseline, since clients with the same ack get the same bytes.
 */
export class SnapshotHistory {
  readonly schema: EntitySchema;
  /** Snapshots kept as baselines; clients must keep at least as many (see SnapshotReceiver). */
  readonly size: number;
  readonly #ring: (Taken | undefined)[];
  readonly #encoded = new Map<number, Uint8Array>();
  readonly #writer = new BitWriter(4096);
  #latest: Taken | undefined;

  constructor(schema: EntitySchema, size = 64) {
    this.schema = schema;
    this.size = size;
    this.#ring = new Array<Taken | undefined>(size);
  }

  get latestSeq(): number {
    return this.#latest?.seq ?? 0;
  }

  /** Records the world at `tick`; returns its seq. */
  take(tick: number, frame: WorldFrame): number {
    const seq = this.latestSeq + 1;
    const taken = { seq, tick, frame };
    this.#ring[seq % this.size] = taken;
    this.#latest = taken;
    this.#encoded.clear();
    return seq;
  }

  frame(seq: number): WorldFrame | undefined {
    const taken = this.#ring[seq % this.size];
    return taken?.seq === seq ? taken.frame : undefined;
  }

  /** The latest snapshot for a client whose newest acknowledged snapshot is `ack` (0: none). */
  encodeLatest(ack: number): EncodedSnapshot {
    const latest = this.#latest;
    if (!latest) throw new Error('No snapshot taken yet');
    const base = ack > 0 && ack <= latest.seq ? this.frame(ack) : undefined;
    const baseline = base ? ack : 0;
    let data = this.#encoded.get(baseline);
    if (!data) {
      this.#writer.reset();
      data = encodeDelta(this.schema, base ?? emptyFrame, latest.frame, this.#writer);
      this.#encoded.set(baseline, data);
    }
    return { seq: latest.seq, baseline, tick: latest.tick, data };
  }
}
