/**
 * The revisioned key-value port the control plane stores everything in, in the style of kine.
 *
 * Every write bumps one global revision; an object's `resourceVersion` is the revision of its last
 * write (`modRevision`). Keys look like `/registry/pods/default/web-0`. Values are JSON text.
 *
 *   const rev = await store.create('/registry/configmaps/default/a', '{"data":{}}');
 *   const kv = await store.update('/registry/configmaps/default/a', '{...}', rev);
 *   for await (const batch of store.watch('/registry/configmaps/', kv.modRevision, signal)) { ... }
 *
 * Implementations: SQLite and memory (controlplane), etcd later; all run the conformance suite in
 * `testkit/src/store-conformance.ts`.
 */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Revision of the write that created this key (since its last deletion). */
  readonly createRevision: number;
  /** Revision of the write that produced this value. */
  readonly modRevision: number;
}

export type WatchEventType = 'create' | 'update' | 'delete';

export interface WatchEvent {
  readonly type: WatchEventType;
  /** For `delete`, the key as it was just before deletion, with `modRevision` the delete's revision. */
  readonly kv: KeyValue;
  /** The previous value for `update` and `delete`. */
  readonly prev?: KeyValue;
  /** The revision of this write. */
  readonly revision: number;
}

export interface ListOptions {
  /** Read the state as of this revision (0 or absent: latest). Older than compaction: CompactedError. */
  readonly revision?: number;
  /** At most this many items (0 or absent: all). */
  readonly limit?: number;
  /** Start strictly after this key (the continue token's position). */
  readonly startAfter?: string;
}

export interface ListResult {
  readonly items: KeyValue[];
  /** The revision the list reflects. */
  readonly revision: number;
  /** True when more keys follow the last item. */
  readonly more: boolean;
  /** Number of keys remaining after this page (only when `more`). */
  readonly remaining: number;
}

export interface Store {
  /** The latest revision. */
  currentRevision(): Promise<number>;
  /** The lowest revision that can still be read or watched from. */
  compactRevision(): Promise<number>;
  /** Creates a key; AlreadyExistsError if it exists. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /**
   * Replaces a key's value if its modRevision equals `expectedRevision`. NotFoundError if absent;
   * ConflictError if the revision moved on.
   */
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue>;
  /** Deletes a key (if `expectedRevision` is given, only at that revision). Returns the deleted kv. */
  delete(key: string, expectedRevision?: number): Promise<KeyValue & { deleteRevision: number }>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /**
   * Every write under `prefix` with revision > `afterRevision`, in revision order, in batches; no
   * gap and no duplicate. CompactedError (at call time or later, by throwing from the iterator) if
   * `afterRevision` is older than the compaction point. Ends when `signal` aborts.
   */
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent[]>;
  /** Forgets history up to `revision` (exclusive of the latest value of each key). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
