/** One tick of a player's controls, as sent (axes already quantised to -127..127). */
export interface Input {
  readonly seq: number;
  readonly buttons: number;
  readonly moveX: number;
  readonly moveY: number;
}

/** Controls before quantisation: axes in [-1, 1]. */
export interface Controls {
  readonly buttons?: number;
  readonly moveX?: number;
  readonly moveY?: number;
}

export const axisScale = 127;

export function quantiseAxis(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.max(-axisScale, Math.min(axisScale, Math.round(value * axisScale)));
}

/** The axis value both ends simulate with. */
export function axis(value: number): number {
  return value / axisScale;
}

/**
 * The client's inputs since the host last confirmed one. Every packet carries the newest `redundancy` of them, so a
 * lost packet loses no input, as change points: an input is written only where the controls differ from the one
 * before it, plus the newest (the host fills each gap with the controls before it). Holding a key for the whole
 * window costs two entries, not `redundancy`. The pending ones are what prediction replays.
 */
export class InputHistory {
  readonly redundancy: number;
  readonly #pending: Input[] = [];
  #seq = 0;
  #acked = 0;
  #last: Input | undefined;

  constructor(redundancy = 12) {
    this.redundancy = redundancy;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /** Newest input seq the host has applied. */
  get acked(): number {
    return this.#acked;
  }

  /** Records this tick's controls; returns the input as the host will see it. */
  push(controls: Controls): Input {
    const input: Input = {
      seq: ++this.#seq,
      buttons: (controls.buttons ?? 0) >>> 0,
      moveX: quantiseAxis(controls.moveX ?? 0),
      moveY: quantiseAxis(controls.moveY ?? 0),
    };
    this.#pending.push(input);
    this.#last = input;
    // A host that stops answering must not make the history grow without bound.
    if (this.#pending.length > 1024) this.#pending.shift();
    return input;
  }

  /** The host has applied every input up to `seq`. */
  acknowledge(seq: number): void {
    if (seq <= this.#acked) return;
    this.#acked = Math.min(seq, this.#seq);
    while (this.#pending.length > 0 && this.#pending[0]!.seq <= this.#acked) this.#pending.shift();
  }

  /** Inputs not yet applied by the host, oldest first. */
  get pending(): readonly Input[] {
    return this.#pending;
  }

  /** The newest input recorded, acknowledged or not. */
  get latest(): Input | undefined {
    return this.#pending.at(-1) ?? this.#last;
  }

  /** What the next packet carries: the newest unacknowledged inputs as change points (see the class), oldest first. */
  packet(): Input[] {
    return compactInputs(this.#pending.slice(-this.redundancy));
  }
}

/**
 * The host's queue of one player's inputs: takes each seq once however many packets repeat it, and hands them
 * to the simulation in order. Bounded, so a client running fast (or lying) cannot build up a backlog.
 */
export class InputQueue {
  readonly maxQueued: number;
  readonly #queue: Input[] = [];
  #lastQueued = 0;
  #lastApplied = 0;
  /** Inputs the client sent but the host never saw (lost beyond the redundancy). */
  missed = 0;
  /** Dropped because the queue was full. */
  overflowed = 0;
  /** Packets received, and inputs lost with their packets beyond what the redundancy carried again. */
  packets = 0;
  packetGaps = 0;
  #newestInPacket = 0;

  constructor(maxQueued = 16) {
    this.maxQueued = maxQueued;
  }

  /** Newest input seq handed to the simulation: the snapshot's `last_input` for this client. */
  get lastApplied(): number {
    return this.#lastApplied;
  }

  get length(): number {
    return this.#queue.length;
  }

  /**
   * Takes a packet's inputs (oldest first, change points: a gap in seqs between two entries holds the earlier one's
   * controls); ignores those already seen.
   */
  receive(inputs: readonly Input[]): void {
    const oldest = inputs[0]?.seq ?? 0;
    const newest = inputs.at(-1)?.seq ?? 0;
    if (newest > this.#newestInPacket) {
      // Inputs older than what this packet carries never arrived: their packets were lost beyond the redundancy.
      if (this.#newestInPacket > 0 && oldest > this.#newestInPacket + 1) this.packetGaps += oldest - this.#newestInPacket - 1;
      this.#newestInPacket = newest;
    }
    this.packets++;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (!Number.isInteger(input.seq) || input.seq <= this.#lastQueued) continue;
      const previous = inputs[i - 1];
      // Fill the gap since the previous entry with its controls; only the newest maxQueued could be kept anyway.
      if (previous && Number.isInteger(previous.seq) && previous.seq < input.seq) {
        const from = Math.max(previous.seq + 1, this.#lastQueued + 1, input.seq - this.maxQueued);
        for (let seq = from; seq < input.seq; seq++) this.#enqueue({ ...previous, seq });
      }
      this.#enqueue(input);
    }
  }

  #enqueue(input: Input): void {
    if (input.seq <= this.#lastQueued) return;
    if (this.#lastQueued > 0 && input.seq > this.#lastQueued + 1) this.missed += input.seq - this.#lastQueued - 1;
    this.#lastQueued = input.seq;
    this.#queue.push({
      seq: input.seq,
      buttons: input.buttons >>> 0,
      moveX: Math.max(-axisScale, Math.min(axisScale, Math.trunc(input.moveX) || 0)),
      moveY: Math.max(-axisScale, Math.min(axisScale, Math.trunc(input.moveY) || 0)),
    });
    if (this.#queue.length > this.maxQueued) {
      // Keep the newest: late inputs are worth less than current ones.
      const dropped = this.#queue.shift()!;
      this.#lastApplied = dropped.seq;
      this.overflowed++;
    }
  }

  /** The next input to apply, or undefined when none is waiting. */
  next(): Input | undefined {
    const input = this.#queue.shift();
    if (input) this.#lastApplied = input.seq;
    return input;
  }
}

export function sameControls(a: Input | undefined, b: Input | undefined): boolean {
  return a !== undefined && b !== undefined && a.buttons === b.buttons && a.moveX === b.moveX && a.moveY === b.moveY;
}

/** No button held, stick centred. */
export function isNeutral(input: Input): boolean {
  return input.buttons === 0 && input.moveX === 0 && input.moveY === 0;
}

/** Consecutive inputs (oldest first) as change points: each input whose controls differ from the one before, and the newest. */
export function compactInputs(inputs: readonly Input[]): Input[] {
  const out: Input[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (i === 0 || i === inputs.length - 1 || !sameControls(input, inputs[i - 1])) out.push(input);
  }
  return out;
}
