import { BitWriter } from '../codec/bits.ts';
import { encodeDelta } from '../codec/delta.ts';
import type { EntitySchema } from '../codec/schema.ts';
import { emptyFrame, framesEqual } from '../codec/world-frame.ts';
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
  #changedSeq = 0;
  /** Snapshots of a still world taken before the history stops taking new ones. */
  readonly freezeAfter: number;

  constructor(schema: EntitySchema, size = 64, freezeAfter = 8) {
    this.schema = schema;
    this.size = size;
    this.freezeAfter = Math.max(1, Math.min(freezeAfter, size - 1));
    this.#ring = new Array<Taken | undefined>(size);
  }

  get latestSeq(): number {
    return this.#latest?.seq ?? 0;
  }

  /** Seq of the first snapshot of the world as it is now: every snapshot since holds the same world. */
  get changedSeq(): number {
    return this.#changedSeq;
  }

  /** The world has stood still for `freezeAfter` snapshots: no new seqs are taken until it changes. */
  get frozen(): boolean {
    return this.#latest !== undefined && this.#latest.seq - this.#changedSeq >= this.freezeAfter;
  }

  /**
   * Records the world at `tick`; returns its seq. Once the world has stood still for `freezeAfter` snapshots, taking
   * the same world again returns the newest seq: nothing new to send, and the baselines clients hold stay in the ring
   * however long it rests.
   */
  take(tick: number, frame: WorldFrame): number {
    const same = this.#latest !== undefined && framesEqual(this.#latest.frame, frame);
    if (same && this.frozen) return this.latestSeq;
    const seq = this.latestSeq + 1;
    const taken = { seq, tick, frame };
    this.#ring[seq % this.size] = taken;
    this.#latest = taken;
    if (!same) this.#changedSeq = seq;
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
