/**
 * Where an incoming file's bytes go as they arrive: a file in the origin's private file system (the File System
 * Access API's OPFS), written chunk by chunk, so a large file is never held in memory. Its download link points at
 * that file on disk. Where OPFS is missing the chunks go into Blobs, which Chromium also keeps on disk when large.
 */
export interface FileSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Finishes the file; resolves to it (on disk). */
  close(): Promise<File>;
  /** Drops what was written. */
  abort(): Promise<void>;
}

const prefix = 'support-';

async function directory(): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    return await navigator.storage?.getDirectory?.();
  } catch {
    return undefined;
  }
}

export async function openSink(key: string, name: string, mime: string): Promise<FileSink> {
  const dir = await directory();
  if (dir) {
    try {
      const entry = `${prefix}${key.replace(/[^\w-]/g, '_')}`;
      const handle = await dir.getFileHandle(entry, { create: true });
      const writable = await handle.createWritable();
      return {
        write: (bytes) => writable.write(bytes as Uint8Array<ArrayBuffer>),
        async close() {
          await writable.close();
          const file = await handle.getFile();
          return new File([file], name, { type: mime });
        },
        async abort() {
          await writable.abort().catch(() => undefined);
          await dir.removeEntry(entry).catch(() => undefined);
        },
      };
    } catch {
      // No writable files here (an old browser, a private window): fall back below.
    }
  }
  const parts: Blob[] = [];
  return {
    write: async (bytes) => void parts.push(new Blob([bytes as Uint8Array<ArrayBuffer>])),
    close: async () => new File(parts, name, { type: mime }),
    abort: async () => void parts.splice(0),
  };
}

/** Removes the files earlier visits left in the private file system (they were downloaded or abandoned). */
export async function clearOldFiles(): Promise<void> {
  const dir = await directory();
  if (!dir) return;
  try {
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (name.startsWith(prefix)) await dir.removeEntry(name).catch(() => undefined);
    }
  } catch {
    // Nothing to clear.
  }
}
