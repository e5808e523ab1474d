import type { HostRoom, MemberRoom } from '@beckon/core';
import { FileAck, FileAction, FileChunk, FileControl } from './gen/support.ts';
import type { FileOffer } from './gen/support.ts';
import { openSink } from './file-sink.ts';
import type { FileSink } from './file-sink.ts';

type Room = HostRoom | MemberRoom;

/** Bytes per chunk (the FileChunk type's max_bytes leaves room for the id and offset). */
export const chunkBytes = 60 * 1024;
/** Bytes sent beyond what the receivers wrote to disk: enough to keep the link busy, little to hold. */
export const windowBytes = 4 * 1024 * 1024;
/**
 * The room's budget per member: a file is one 60 KiB message per frame, so the default 200 frames/s would cap a
 * transfer at 12 MB/s and refuse the chunks of a faster one; 1,000/s lets a file use the whole link.
 */
export const supportRateLimit = { perSecond: 1000, burst: 2000 } as const;

/** The receiver acknowledges at least this often. */
const ackEvery = 512 * 1024;

export type StreamState = 'active' | 'paused' | 'done' | 'failed' | 'cancelled';

/** What a transfer tells the page. */
export interface StreamView {
  progress(bytes: number, state: StreamState, detail?: string): void;
}

/**
 * Sends one file as a stream of chunks, read from the File a chunk at a time (never the whole file in memory), at
 * most `windowBytes` ahead of what the receivers have written to disk. Pause and cancel act at either end.
 */
export class OutgoingStream {
  readonly id: number;
  readonly file: File;
  state: StreamState = 'active';
  #offset = 0;
  /** Bytes written by each receiver that acknowledged; the window follows the slowest of them. */
  readonly #written = new Map<string, number>();
  readonly #room: Room;
  readonly #view: StreamView;
  #wake: (() => void) | undefined;
  #pausedBy = '';

  constructor(room: Room, id: number, file: File, view: StreamView) {
    this.#room = room;
    this.id = id;
    this.file = file;
    this.#view = view;
  }

  get written(): number {
    return this.#written.size === 0 ? 0 : Math.min(...this.#written.values());
  }

  async run(): Promise<void> {
    while (this.#offset < this.file.size && this.state !== 'cancelled' && this.state !== 'failed') {
      if (this.state === 'paused' || this.#offset - this.written >= windowBytes) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      const end = Math.min(this.file.size, this.#offset + chunkBytes);
      const bytes = new Uint8Array(await this.file.slice(this.#offset, end).arrayBuffer());
      if ((this.state as StreamState) === 'cancelled') return;
      try {
        const delivery = this.#room.send(FileChunk, { id: this.id, offset: this.#offset, bytes });
        // A refused chunk (over the room's rate limit, say) leaves a hole the receiver cannot fill: say so here.
        void delivery.settled.then((result) => {
          if (!result.ok && this.state !== 'cancelled') this.fail(`a piece of the file was not accepted (${result.error.message})`);
        });
      } catch (error) {
        return this.fail(error instanceof Error ? error.message : String(error));
      }
      this.#offset = end;
    }
    if (this.file.size === 0) this.#view.progress(0, 'done');
  }

  acknowledged(from: string, written: number): void {
    if (!Number.isFinite(written) || written < 0 || written > this.file.size) return;
    this.#written.set(from, Math.max(this.#written.get(from) ?? 0, written));
    const bytes = this.written;
    if (bytes >= this.file.size && this.state === 'active') this.state = 'done';
    this.#view.progress(bytes, this.state, this.state === 'paused' ? this.#pausedBy : undefined);
    this.#wake?.();
  }

  /** Pauses, resumes or cancels here (`by`: who, for the page to say), telling the other end unless it asked. */
  control(action: FileAction, by: string, tell: boolean, reason = ''): void {
    if (this.state === 'done' || this.state === 'cancelled' || this.state === 'failed') return;
    if (action === FileAction.FILE_ACTION_PAUSE) {
      this.state = 'paused';
      this.#pausedBy = `Paused by ${by}`;
    } else if (action === FileAction.FILE_ACTION_RESUME) {
      this.state = 'active';
    } else if (action === FileAction.FILE_ACTION_CANCEL) {
      this.state = 'cancelled';
    } else {
      return;
    }
    if (tell) this.#tell(action, reason);
    this.#view.progress(this.written, this.state, this.state === 'paused' ? this.#pausedBy : this.state === 'cancelled' ? `Cancelled by ${by}${reason ? `: ${reason}` : ''}` : undefined);
    this.#wake?.();
  }

  fail(reason: string): void {
    if (this.state === 'done' || this.state === 'cancelled') return;
    this.state = 'failed';
    this.#view.progress(this.written, 'failed', `Failed: ${reason}`);
    this.#wake?.();
  }

  #tell(action: FileAction, reason: string): void {
    try {
      this.#room.send(FileControl, { id: this.id, owner: this.#room.selfId, action, reason });
    } catch {
      // Not connected: the other end learns it from the link.
    }
  }
}

/** Receives one file: each chunk is written to disk in order, and acknowledged once written. */
export class IncomingStream {
  readonly offer: FileOffer;
  readonly from: string;
  state: StreamState = 'active';
  #expected = 0;
  #written = 0;
  #acked = 0;
  #sink: Promise<FileSink>;
  #chain: Promise<void> = Promise.resolve();
  readonly #room: Room;
  readonly #view: StreamView;
  readonly #done: (file: File) => void;

  constructor(room: Room, offer: FileOffer, from: string, view: StreamView, done: (file: File) => void) {
    this.#room = room;
    this.offer = offer;
    this.from = from;
    this.#view = view;
    this.#done = done;
    this.#sink = openSink(`${from}-${offer.id}-${Date.now()}`, offer.name, offer.mime);
    if (offer.size === 0) this.#chain = this.#finish();
  }

  chunk(chunk: FileChunk): void {
    if (this.state === 'cancelled' || this.state === 'failed' || this.state === 'done') return;
    // The lane is reliable and ordered: anything else is a broken or hostile sender.
    if (chunk.offset !== this.#expected || this.#expected + chunk.bytes.length > this.offer.size) return this.fail('the file arrived out of order');
    this.#expected += chunk.bytes.length;
    const bytes = chunk.bytes;
    this.#chain = this.#chain.then(async () => {
      if (this.state === 'cancelled' || this.state === 'failed') return;
      await (await this.#sink).write(bytes);
      this.#written += bytes.length;
      if (this.#written - this.#acked >= ackEvery || this.#written === this.offer.size) this.#ack();
      if (this.state !== 'active' && this.state !== 'paused') return;
      this.#view.progress(this.#written, this.state);
      if (this.#written === this.offer.size) await this.#finish();
    }).catch((error: unknown) => this.fail(`could not write the file (${error instanceof Error ? error.message : String(error)})`));
  }

  control(action: FileAction, by: string, tell: boolean, reason = ''): void {
    if (this.state === 'done' || this.state === 'cancelled' || this.state === 'failed') return;
    if (action === FileAction.FILE_ACTION_PAUSE) this.state = 'paused';
    else if (action === FileAction.FILE_ACTION_RESUME) this.state = 'active';
    else if (action === FileAction.FILE_ACTION_CANCEL) this.state = 'cancelled';
    else return;
    if (tell) {
      try {
        this.#room.send(FileControl, { id: this.offer.id, owner: this.from, action, reason }, { to: this.from });
      } catch {
        // Not connected.
      }
    }
    if (this.state === 'cancelled') void this.#sink.then((sink) => sink.abort());
    this.#view.progress(this.#written, this.state, this.state === 'paused' ? `Paused by ${by}` : this.state === 'cancelled' ? `Cancelled by ${by}${reason ? `: ${reason}` : ''}` : undefined);
  }

  fail(reason: string): void {
    if (this.state === 'done' || this.state === 'cancelled' || this.state === 'failed') return;
    this.state = 'failed';
    void this.#sink.then((sink) => sink.abort());
    this.#view.progress(this.#written, 'failed', reason);
  }

  #ack(): void {
    this.#acked = this.#written;
    try {
      this.#room.send(FileAck, { id: this.offer.id, written: this.#written }, { to: this.from });
    } catch {
      // Not connected: the sender waits, and the transfer fails when the link is given up.
    }
  }

  async #finish(): Promise<void> {
    const file = await (await this.#sink).close();
    this.state = 'done';
    this.#view.progress(this.offer.size, 'done');
    this.#done(file);
  }
}
