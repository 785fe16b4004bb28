// A tiny async key–value store for what this device learns about itself (probe results,
// measured speeds): IndexedDB in the browser — usable from the page and from workers alike —
// and a Map for tests. Values must be structured-cloneable.

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

export function memoryStore(): KeyValueStore {
  const map = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => structuredClone(map.get(key)) as T | undefined,
    set: async (key, value) => void map.set(key, structuredClone(value)),
    delete: async (key) => void map.delete(key),
  };
}

/** One object store `entries` in database `dbName`, opened on first use. */
export function indexedDbStore(dbName: string, factory: IDBFactory = indexedDB): KeyValueStore {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise((resolve, reject) => {
      const request = factory.open(dbName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('entries');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }));
  const transact = async <T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<T> => {
    const store = (await open()).transaction('entries', mode).objectStore('entries');
    return new Promise((resolve, reject) => {
      const request = act(store);
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error);
    });
  };
  return {
    get: (key) => transact('readonly', (s) => s.get(key)),
    set: (key, value) => transact('readwrite', (s) => s.put(value, key)),
    delete: (key) => transact('readwrite', (s) => s.delete(key)),
  };
}
