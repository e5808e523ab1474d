import { h } from './dom.ts';
import { formatBytes } from './format.ts';
import type { StreamState, StreamView } from './file-stream.ts';

/** Largest file the demo sends: streamed to disk, so the limit is the receiver's disk (and the offer's uint32 size). */
export const maxFileBytes = 2 * 1024 ** 3;

export interface TransferControls {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** One row of the file list: name, bar, words, and Pause/Resume and Cancel while it runs. */
export class TransferRow implements StreamView {
  readonly item: HTMLLIElement;
  readonly bar: HTMLProgressElement;
  readonly detail: HTMLElement;
  readonly size: number;
  readonly direction: 'outgoing' | 'incoming';
  /** Participant id of the sender (incoming) and of whoever carries the bytes to us (the host for a member). */
  readonly from: string;
  readonly via: string;
  readonly #pause: HTMLButtonElement;
  readonly #cancel: HTMLButtonElement;
  readonly #fromName: string;
  readonly #name: string;
  state: StreamState | 'pending' = 'pending';
  #controls: TransferControls | undefined;

  constructor(list: HTMLElement, name: string, size: number, direction: 'outgoing' | 'incoming', from: string, via: string, fromName: string) {
    this.size = size;
    this.direction = direction;
    this.from = from;
    this.via = via;
    this.#fromName = fromName;
    this.#name = name;
    this.bar = h('progress', { max: '1', value: '0', 'aria-label': `${direction === 'outgoing' ? 'Sending' : 'Receiving'} ${name}` });
    this.detail = h('span', { class: 'transfer-detail' }, direction === 'outgoing' ? 'Sending…' : `From ${fromName} · waiting…`);
    this.#pause = h('button', { type: 'button', class: 'transfer-pause' }, 'Pause');
    this.#cancel = h('button', { type: 'button', class: 'transfer-cancel' }, 'Cancel');
    this.#pause.setAttribute('aria-label', `Pause ${name}`);
    this.#cancel.setAttribute('aria-label', `Cancel ${name}`);
    this.#pause.addEventListener('click', () => (this.state === 'paused' ? this.#controls?.resume() : this.#controls?.pause()));
    this.#cancel.addEventListener('click', () => this.#controls?.cancel());
    const icon = h('span', { class: 'transfer-icon', 'aria-hidden': 'true' }, direction === 'outgoing' ? '↑' : '↓');
    this.item = h(
      'li',
      { class: 'transfer', 'data-direction': direction, 'data-state': 'pending' },
      icon,
      h('div', { class: 'transfer-body' }, h('span', { class: 'transfer-name', title: name }, name), this.bar, this.detail, h('span', { class: 'transfer-actions' }, this.#pause, this.#cancel)),
    );
    list.prepend(this.item);
  }

  bind(controls: TransferControls): void {
    this.#controls = controls;
  }

  progress(bytes: number, state: StreamState, detail?: string): void {
    // Once ended, a late report (a write or an ack already under way) neither revives the row nor rewrites its reason.
    if ((this.state === 'cancelled' || this.state === 'failed' || this.state === 'done') && detail === undefined) return;
    this.state = state;
    const fraction = this.size > 0 ? bytes / this.size : 1;
    this.bar.value = state === 'done' ? 1 : fraction;
    this.item.dataset['state'] = state;
    const running = state === 'active' || state === 'paused';
    this.#pause.hidden = !running;
    this.#cancel.hidden = !running;
    this.#pause.textContent = state === 'paused' ? 'Resume' : 'Pause';
    this.#pause.setAttribute('aria-label', `${this.#pause.textContent} ${this.#name}`);
    if (detail !== undefined && state !== 'active') {
      this.detail.textContent = detail;
      return;
    }
    if (state === 'done') {
      this.detail.textContent = this.direction === 'outgoing' ? `Delivered · ${formatBytes(this.size)}` : `From ${this.#fromName} · ${formatBytes(this.size)}`;
      return;
    }
    const verb = this.direction === 'outgoing' ? 'Sending' : 'Receiving';
    this.detail.textContent = `${state === 'paused' ? 'Paused' : verb} · ${formatBytes(bytes)} of ${formatBytes(this.size)} · ${Math.floor(fraction * 100)}%`;
  }

  /** The whole file is on disk: a download link to it. */
  downloadable(file: File, name: string): void {
    const link = h('a', { class: 'download', href: URL.createObjectURL(file), download: name || 'file' }, 'Download');
    link.setAttribute('aria-label', `Download ${name}`);
    this.detail.replaceChildren(`From ${this.#fromName} · ${formatBytes(this.size)} · `, link);
  }

  get running(): boolean {
    return this.state === 'active' || this.state === 'paused' || this.state === 'pending';
  }
}

/** The file list, with what the page's connection events need: every running row, to fail or pause together. */
export class Transfers {
  readonly rows: TransferRow[] = [];
  readonly #list: HTMLElement;
  /** Set by file sharing: ends a row's transfer (stops sending, or drops what was written). */
  end: (row: TransferRow, reason: string) => void = (row, reason) => row.progress(0, 'failed', reason);

  constructor(list: HTMLElement) {
    this.#list = list;
  }

  add(name: string, size: number, direction: 'outgoing' | 'incoming', from: string, via: string, fromName: string): TransferRow {
    const row = new TransferRow(this.#list, name, size, direction, from, via, fromName);
    this.rows.push(row);
    return row;
  }

  /** Someone left: their unfinished incoming files will not complete. */
  abandon(from: string, reason = 'Sender left before the file arrived'): void {
    for (const row of this.rows) if (row.direction === 'incoming' && row.running && (row.from === from || row.via === from)) this.end(row, reason);
  }

  /** The link carrying these files dropped and may come back: they wait rather than fail. */
  pause(via: string, text: string): void {
    for (const row of this.rows) {
      if (row.direction !== 'incoming' || row.via !== via || !row.running) continue;
      row.item.dataset['state'] = 'paused';
      row.detail.textContent = text;
    }
  }

  /** Ends every unfinished outgoing file as failed, for a reason the room cannot see (everyone it was for left). */
  failOutgoing(reason: string): void {
    for (const row of this.rows) if (row.direction === 'outgoing' && row.running) this.end(row, `Failed: ${reason}`);
  }
}
