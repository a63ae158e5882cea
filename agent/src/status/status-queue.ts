/**
 * Status waiting to reach the control plane: bounded (`statusQueueItemsMax`) and coalesced per
 * object — a newer status for the same pod, lease or node replaces the queued one, since only the
 * latest matters — so an agent offline for days holds at most one entry per object.
 *
 *   queue.put('pod/default/web-1', report);
 *   for (const [key, item] of queue.entries()) if (await send(item)) queue.remove(key, item);
 */
export const statusQueueDefaults = { statusQueueItemsMax: 1024 } as const;

export class StatusQueue<T> {
  readonly #itemsMax: number;
  readonly #items = new Map<string, T>();
  #dropped = 0;

  constructor(itemsMax: number = statusQueueDefaults.statusQueueItemsMax) {
    if (!Number.isInteger(itemsMax) || itemsMax < 1) {
      throw new RangeError(`statusQueueItemsMax: Invalid value: ${itemsMax}`);
    }
    this.#itemsMax = itemsMax;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Entries dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues the latest state of `key`, replacing any older one; full → the oldest goes. */
  put(key: string, item: T): void {
    this.#items.delete(key);
    if (this.#items.size >= this.#itemsMax) {
      const oldest = this.#items.keys().next().value as string;
      this.#items.delete(oldest);
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
