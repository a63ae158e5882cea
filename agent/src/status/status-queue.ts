/**
 * Status waiting to reach the control plane: bounded (`statusQueueItemsMax`) and coalesced per
 * object — a newer status for the same pod, lease or node replaces the queued one, since only the
 * latest matters — so an agent offline for days holds at most one entry per object. Events share
 * the bound but go first when it is full (`dropFirst`): a lost event is a lost line in `kubectl
 * describe`, a lost status leaves the API wrong until the next one.
 *
 *   queue.put('pod/default/web-1', report);
 *   for (const [key, item] of queue.entries()) if (await send(item)) queue.remove(key, item);
 */
export const statusQueueDefaults = { statusQueueItemsMax: 1024 } as const;

export class StatusQueue<T> {
  readonly #itemsMax: number;
  readonly #dropFirst: (key: string) => boolean;
  readonly #items = new Map<string, T>();
  #dropped = 0;

  /** `dropFirst` marks the keys evicted before any other when the queue is full. */
  constructor(
    itemsMax: number = statusQueueDefaults.statusQueueItemsMax,
    dropFirst: (key: string) => boolean = () => false,
  ) {
    if (!Number.isInteger(itemsMax) || itemsMax < 1) {
      throw new RangeError(`statusQueueItemsMax: Invalid value: ${itemsMax}`);
    }
    this.#itemsMax = itemsMax;
    this.#dropFirst = dropFirst;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Entries dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  /**
   * Queues the latest state of `key`, replacing any older one; full → the oldest `dropFirst`
   * entry goes, or the oldest of all when there is none.
   */
  put(key: string, item: T): void {
    this.#items.delete(key);
    if (this.#items.size >= this.#itemsMax) {
      const keys = [...this.#items.keys()];
      this.#items.delete(keys.find(this.#dropFirst) ?? keys[0]);
      this.#dropped += 1;
    }
    this.#items.set(key, item);
  }

  /** Oldest first; a snapshot, safe to remove from while iterating. */
  entries(): [string, T][] {
    return [...this.#items];
  }

  /** Removes `key` only if it still holds `item` (a newer one put meanwhile stays queued). */
  remove(key: string, item: T): void {
    if (this.#items.get(key) === item) this.#items.delete(key);
  }
}
