/**
 * A `Storage`-shaped view of one IndexedDB object store. Reads are synchronous, from a copy loaded when it opens;
 * writes update that copy at once and go to IndexedDB in one transaction per task. The classroom keeps its
 * synchronous save path (state changes and their broadcast stay in one task) while the data outlives the tab:
 * a teacher who closes the tab by mistake, or whose browser crashes, reopens the lesson and the class resumes.
 */
export interface DurableStorage extends Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  /** Resolves once every write so far is committed. */
  flush(): Promise<void>;
  close(): void;
}

const storeName = 'kv';

/** Opens (creating if needed) the database `name`. Rejects where IndexedDB is unavailable or blocked. */
export async function openIdbStorage(name = 'beckon-classroom'): Promise<DurableStorage> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is unavailable');
  const db = await request(
    (() => {
      const opening = indexedDB.open(name, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(storeName);
      return opening;
    })(),
  );
  const values = new Map<string, string>();
  {
    const store = db.transaction(storeName, 'readonly').objectStore(storeName);
    const [keys, stored] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    keys.forEach((key, i) => {
      const value = stored[i];
      if (typeof key === 'string' && typeof value === 'string') values.set(key, value);
    });
  }
  const dirty = new Set<string>();
  let scheduled = false;
  let written: Promise<void> = Promise.resolve();

  const write = (): void => {
    scheduled = false;
    if (dirty.size === 0) return;
    const transaction = db.transaction(storeName, 'readwrite');
    const store = transaction.objectStore(storeName);
    for (const key of dirty) {
      const value = values.get(key);
      if (value === undefined) store.delete(key);
      else store.put(value, key);
    }
    dirty.clear();
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB write failed'));
    });
    // Commit now rather than when the task ends: less time in which a reload can lose the write.
    transaction.commit?.();
    written = written.then(
      () => done,
      () => done,
    );
  };
  const schedule = (key: string): void => {
    dirty.add(key);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(write);
  };

  return {
    getItem: (key) => values.get(key) ?? null,
    setItem(key, value) {
      if (values.get(key) === value) return;
      values.set(key, String(value));
      schedule(key);
    },
    removeItem(key) {
      if (!values.delete(key)) return;
      schedule(key);
    },
    async flush() {
      if (scheduled) write();
      await written;
    },
    close: () => db.close(),
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
