import type { HostRoom, MemberRoom } from '@beckon/core';
import { byId } from './dom.ts';
import { formatBytes } from './format.ts';
import { clearOldFiles } from './file-sink.ts';
import { IncomingStream, OutgoingStream } from './file-stream.ts';
import { FileAck, FileAction, FileChunk, FileControl, FileOffer } from './gen/support.ts';
import { maxFileBytes, Transfers } from './transfers.ts';
import type { TransferRow } from './transfers.ts';

type Room = HostRoom | MemberRoom;

export interface FileSharingOptions {
  readonly nameOf: (id: string) => string;
  readonly log: (text: string) => void;
}

/**
 * Files: an offer, then the bytes streamed chunk by chunk on the reliable lane, written to disk as they arrive, with
 * progress, pause and cancel on both ends. A file that cannot go is explained beside the file control, where the
 * person who just picked it is looking.
 */
export function wireFileSharing(room: Room, { nameOf, log }: FileSharingOptions): Transfers {
  const transfers = new Transfers(byId('transfers'));
  const fileInput = byId<HTMLInputElement>('file-input');
  const drop = byId('file-drop');
  const notice = byId('file-notice');
  const outgoing = new Map<number, { stream: OutgoingStream; row: TransferRow }>();
  const incoming = new Map<string, { stream: IncomingStream; row: TransferRow }>();
  const streams = new Map<TransferRow, OutgoingStream | IncomingStream>();
  void clearOldFiles();
  let nextFileId = 1;
  const refuse = (text: string): void => {
    notice.textContent = text;
    log(text);
  };
  transfers.end = (row, reason) => {
    const stream = streams.get(row);
    if (stream) stream.fail(reason);
    else row.progress(0, 'failed', reason);
  };
  const sendFile = (file: File): void => {
    notice.textContent = '';
    if (file.size > maxFileBytes) {
      refuse(`${file.name} is too large to send (${formatBytes(file.size)}). Files can be up to ${formatBytes(maxFileBytes)}.`);
      return;
    }
    if (room.state !== 'open') {
      refuse(`${file.name} was not sent: you are not connected right now.`);
      return;
    }
    const id = nextFileId++;
    const mime = file.type || 'application/octet-stream';
    const row = transfers.add(file.name, file.size, 'outgoing', room.selfId, room.selfId, 'you');
    const stream = new OutgoingStream(room, id, file, row);
    outgoing.set(id, { stream, row });
    streams.set(row, stream);
    row.bind({
      pause: () => stream.control(FileAction.FILE_ACTION_PAUSE, 'you', true),
      resume: () => stream.control(FileAction.FILE_ACTION_RESUME, 'you', true),
      cancel: () => stream.control(FileAction.FILE_ACTION_CANCEL, 'you', true),
    });
    row.progress(0, 'active');
    try {
      room.send(FileOffer, { id, name: file.name, mime, size: file.size });
    } catch (error) {
      stream.fail(error instanceof Error ? error.message : String(error));
      return;
    }
    void stream.run();
  };
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) sendFile(file);
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) sendFile(file);
  });
  const via = (from: string): string => (room.isHost ? from : (room as MemberRoom).hostId);
  room.on(FileOffer, (offer, meta) => {
    const key = `${meta.from}:${offer.id}`;
    if (incoming.has(key) || meta.from === room.selfId) return;
    const name = nameOf(meta.from);
    const row = transfers.add(offer.name, offer.size, 'incoming', meta.from, via(meta.from), name);
    const stream = new IncomingStream(room, offer, meta.from, row, (file) => {
      row.downloadable(file, offer.name);
      log(`Received ${offer.name} from ${name}`);
    });
    incoming.set(key, { stream, row });
    streams.set(row, stream);
    row.bind({
      pause: () => stream.control(FileAction.FILE_ACTION_PAUSE, 'you', true),
      resume: () => stream.control(FileAction.FILE_ACTION_RESUME, 'you', true),
      cancel: () => stream.control(FileAction.FILE_ACTION_CANCEL, 'you', true),
    });
  });
  room.on(FileChunk, (chunk, meta) => incoming.get(`${meta.from}:${chunk.id}`)?.stream.chunk(chunk));
  room.on(FileAck, (ack, meta) => outgoing.get(ack.id)?.stream.acknowledged(meta.from, ack.written));
  room.on(FileControl, (control, meta) => {
    const by = nameOf(meta.from);
    if (control.owner === room.selfId) outgoing.get(control.id)?.stream.control(control.action, by, false, control.reason.slice(0, 200));
    else if (control.owner === meta.from) incoming.get(`${meta.from}:${control.id}`)?.stream.control(control.action, by, false, control.reason.slice(0, 200));
  });
  return transfers;
}
