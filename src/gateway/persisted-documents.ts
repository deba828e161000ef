import { LRUCache } from 'lru-cache';

/** Apollo Server keeps each automatic persisted query under this prefix in the cache it is given. */
const APQ_PREFIX = 'apq:';

/** Documents remembered at most, by total size in characters (Apollo's own default store is about 30 MB). */
const MAX_DOCUMENT_CHARS = 16 * 1024 * 1024;

/**
 * The store of automatic persisted queries (APQ), given to Apollo Server as its `persistedQueries.cache`, so that the
 * gateway can price a request that sends only a document's hash by the document the hash stands for.
 */
export class PersistedDocuments {
  /** The trusted documents (never evicted), by hash, when the gateway runs in trusted-documents mode. */
  private readonly pinned = new Map<string, string>();
  private readonly documents = new LRUCache<string, string>({ maxSize: MAX_DOCUMENT_CHARS, sizeCalculation: (document) => Math.max(1, document.length) });

  /** The document registered under `sha256Hash`, if this gateway has it. */
  documentOf(sha256Hash: string): string | undefined {
    return this.pinned.get(`${APQ_PREFIX}${sha256Hash}`) ?? this.documents.peek(`${APQ_PREFIX}${sha256Hash}`);
  }

  /** Keeps `document` under `sha256Hash` for good, so a request sending only that hash runs it. */
  pin(sha256Hash: string, document: string): void {
    this.pinned.set(`${APQ_PREFIX}${sha256Hash}`, document);
  }

  /** Apollo's KeyValueCache interface. */
  readonly cache = {
    get: async (key: string): Promise<string | undefined> => this.pinned.get(key) ?? this.documents.get(key),
    set: async (key: string, value: string, options?: { ttl?: number | null }): Promise<void> => {
      this.documents.set(key, value, options?.ttl ? { ttl: options.ttl * 1000 } : {});
    },
    delete: async (key: string): Promise<boolean> => this.documents.delete(key),
  };
}
