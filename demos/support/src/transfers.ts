import type { TransferProgress } from '@beckon/core';
import { h } from './dom.ts';
import { formatBytes } from './format.ts';

/** Largest file the demo sends: the FileData type's max_bytes leaves room for the name and type beside it. */
export const maxFileBytes = 4 * 1024 * 1024;

interface TransferView {
  readonly item: HTMLLIElement;
  readonly bar: HTMLProgressElement;
  readonly detail: HTMLElement;
  readonly size: number;
}

interface Outgoing extends TransferView {
  /** Fraction sent to each next hop, by peer. */
  readonly perPeer: Map<string, number>;
}

interface Incoming extends TransferView {
  readonly id: number;
  readonly from: string;
  /** Participant id whose session carries the bytes: the sender at the host, the host at a member. */
  readonly via: string;
  transfer: number | undefined;
}

/**
 * The file list: a progress bar per transfer on both ends, a download link on receipt.
 * Progress events name a (peer, transfer) pair; these are bound to the file they belong to.
 */
export class Transfers {
  readonly #list: HTMLElement;
  readonly #outgoing = new Map<string, Outgoing>();
  /** Outgoing file being handed to the room right now: progress events fired during `send` belong to it. */
  #sending: Outgoing | undefined;
  readonly #incoming: Incoming[] = [];
  /** Outgoing files whose delivery has not settled yet. */
  readonly #unsettled = new Set<TransferView>();
  readonly #fileType: number;

  constructor(list: HTMLElement, fileType: number) {
    this.#list = list;
    this.#fileType = fileType;
  }

  /** Shows an outgoing file and runs `send` with progress attributed to it. */
  send(name: string, size: number, send: () => Promise<{ ok: boolean; error?: string }>): void {
    const view = this.#view(name, size, 'outgoing', 'Sending…');
    const outgoing: Outgoing = { ...view, perPeer: new Map() };
    this.#sending = outgoing;
    this.#unsettled.add(view);
    let settled: Promise<{ ok: boolean; error?: string }>;
    try {
      settled = send();
    } catch (error) {
      settled = Promise.resolve({ ok: false, error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.#sending = undefined;
    }
    void settled.then((result) => {
      // Already ended for a reason the room does not know (the agent left): keep that reason.
      if (!this.#unsettled.delete(view)) return;
      if (result.ok) {
        view.bar.value = 1;
        view.item.dataset['state'] = 'done';
        view.detail.textContent = `Delivered · ${formatBytes(size)}`;
      } else {
        view.item.dataset['state'] = 'failed';
        view.detail.textContent = `Failed: ${result.error ?? 'not delivered'}`;
      }
    });
  }

  /** A FileOffer arrived: the bytes follow on the same lane. */
  offered(id: number, from: string, fromName: string, via: string, name: string, size: number): void {
    const view = this.#view(name, size, 'incoming', `From ${fromName} · waiting…`);
    view.item.dataset['from'] = from;
    this.#incoming.push({ ...view, id, from, via, transfer: undefined });
  }

  progress(progress: TransferProgress): void {
    if (progress.type !== this.#fileType) return;
    const fraction = progress.totalBytes > 0 ? progress.bytes / progress.totalBytes : 1;
    if (progress.direction === 'send') {
      const key = `${progress.peer}:${progress.transfer}`;
      let outgoing = this.#outgoing.get(key);
      if (!outgoing && this.#sending) {
        outgoing = this.#sending;
        this.#outgoing.set(key, outgoing);
      }
      if (!outgoing) return;
      outgoing.perPeer.set(progress.peer, fraction);
      // With several recipients the bar shows the slowest.
      const slowest = Math.min(...outgoing.perPeer.values());
      this.#show(outgoing, slowest, 'Sending');
      if (fraction >= 1) this.#outgoing.delete(key);
      return;
    }
    let incoming = this.#incoming.find((t) => t.via === progress.peer && t.transfer === progress.transfer);
    if (!incoming) {
      // Transfers on one lane arrive one after another, so a new transfer is the oldest offer not yet bound.
      incoming = this.#incoming.find((t) => t.via === progress.peer && t.transfer === undefined);
      if (!incoming) return;
      incoming.transfer = progress.transfer;
    }
    this.#show(incoming, fraction, 'Receiving');
  }

  /** The whole file arrived: replaces the bar with a download link. */
  received(id: number, from: string, fromName: string, name: string, mime: string, bytes: Uint8Array): void {
    const index = this.#incoming.findIndex((t) => t.id === id && t.from === from);
    const view = index >= 0 ? this.#incoming.splice(index, 1)[0]! : this.#view(name, bytes.length, 'incoming', '');
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: safeMime(mime) }));
    view.bar.value = 1;
    view.item.dataset['state'] = 'done';
    const link = h('a', { class: 'download', href: url, download: name || 'file' }, 'Download');
    link.setAttribute('aria-label', `Download ${name}`);
    view.detail.replaceChildren(`From ${fromName} · ${formatBytes(bytes.length)} · `, link);
  }

  /** Someone left: their unfinished incoming files will not complete. */
  abandon(from: string, reason = 'Sender left before the file arrived'): void {
    for (let i = this.#incoming.length - 1; i >= 0; i--) {
      const t = this.#incoming[i]!;
      if (t.from !== from && t.via !== from) continue;
      t.item.dataset['state'] = 'failed';
      t.detail.textContent = reason;
      this.#incoming.splice(i, 1);
    }
  }

  /** The link carrying these files dropped and may come back: the files wait rather than fail. */
  pause(via: string, text: string): void {
    for (const t of this.#incoming) {
      if (t.via !== via) continue;
      t.item.dataset['state'] = 'paused';
      t.detail.textContent = text;
    }
  }

  /** Ends every unfinished outgoing file as failed, for a reason the room cannot see (everyone it was for left). */
  failOutgoing(reason: string): void {
    for (const view of this.#unsettled) {
      view.item.dataset['state'] = 'failed';
      view.detail.textContent = `Failed: ${reason}`;
    }
    this.#unsettled.clear();
  }

  #show(view: TransferView, fraction: number, verb: string): void {
    view.bar.value = fraction;
    view.item.dataset['state'] = 'active';
    view.detail.textContent = `${verb} · ${formatBytes(Math.round(fraction * view.size))} of ${formatBytes(view.size)} · ${Math.floor(fraction * 100)}%`;
  }

  #view(name: string, size: number, direction: 'outgoing' | 'incoming', detailText: string): TransferView {
    const bar = h('progress', { max: '1', value: '0', 'aria-label': `${direction === 'outgoing' ? 'Sending' : 'Receiving'} ${name}` });
    const detail = h('span', { class: 'transfer-detail' }, detailText);
    const icon = h('span', { class: 'transfer-icon', 'aria-hidden': 'true' }, direction === 'outgoing' ? '↑' : '↓');
    const item = h(
      'li',
      { class: 'transfer', 'data-direction': direction, 'data-state': 'pending' },
      icon,
      h('div', { class: 'transfer-body' }, h('span', { class: 'transfer-name', title: name }, name), bar, detail),
    );
    this.#list.prepend(item);
    return { item, bar, detail, size };
  }
}

/** Only plain, well-formed MIME types reach a Blob; anything else downloads as opaque bytes. */
function safeMime(mime: string): string {
  return /^[\w.+-]+\/[\w.+-]+$/.test(mime) && !/html|javascript|svg|xml/i.test(mime) ? mime : 'application/octet-stream';
}
