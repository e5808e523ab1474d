import type { HostRoom, MemberRoom } from '@beckon/core';
import { byId } from './dom.ts';
import { formatBytes } from './format.ts';
import { FileData, FileOffer } from './gen/support.ts';
import { maxFileBytes, Transfers } from './transfers.ts';

type Room = HostRoom | MemberRoom;

export interface FileSharingOptions {
  readonly nameOf: (id: string) => string;
  readonly log: (text: string) => void;
}

/**
 * Files: an offer, then the bytes, chunked on the reliable lane with progress on both ends. A file that cannot go
 * is explained beside the file control, where the person who just picked it is looking.
 */
export function wireFileSharing(room: Room, { nameOf, log }: FileSharingOptions): Transfers {
  const transfers = new Transfers(byId('transfers'), FileData.id);
  const fileInput = byId<HTMLInputElement>('file-input');
  const drop = byId('file-drop');
  const notice = byId('file-notice');
  let nextFileId = 1;
  const refuse = (text: string): void => {
    notice.textContent = text;
    log(text);
  };
  const sendFile = async (file: File): Promise<void> => {
    notice.textContent = '';
    if (file.size > maxFileBytes) {
      refuse(`${file.name} is too large to send (${formatBytes(file.size)}). Files can be up to ${maxFileBytes / 1024 ** 2} MiB.`);
      return;
    }
    if (room.state !== 'open') {
      refuse(`${file.name} was not sent: you are not connected right now.`);
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const id = nextFileId++;
    const mime = file.type || 'application/octet-stream';
    transfers.send(file.name, bytes.length, () => {
      room.send(FileOffer, { id, name: file.name, mime, size: bytes.length });
      const delivery = room.send(FileData, { id, name: file.name, mime, bytes });
      return delivery.settled.then((result) => (result.ok ? { ok: true } : { ok: false, error: result.error.message }));
    });
  };
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) void sendFile(file);
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
    if (file) void sendFile(file);
  });
  const via = (from: string): string => (room.isHost ? from : (room as MemberRoom).hostId);
  room.on(FileOffer, (offer, meta) => transfers.offered(offer.id, meta.from, nameOf(meta.from), via(meta.from), offer.name, offer.size));
  room.on('progress', (progress) => transfers.progress(progress));
  room.on(FileData, (file, meta) => {
    transfers.received(file.id, meta.from, nameOf(meta.from), file.name, file.mime, file.bytes);
    log(`Received ${file.name} from ${nameOf(meta.from)}`);
  });
  return transfers;
}
