/**
 * Slow-start batches, as upstream's controllers create pods: 1, then 2, 4, 8 ... at a time, and
 * stop after the first batch with a failure, so a quota or admission refusal costs one call
 * rather than hundreds.
 *
 *   const { done, error } = await slowStartBatch(nodes, 1, (n) => createPodOn(n));
 */
export interface BatchResult {
  /** How many calls succeeded. */
  readonly done: number;
  /** The first failure, when a batch had one. */
  readonly error?: unknown;
}

export async function slowStartBatch<T>(
  items: readonly T[],
  initialBatch: number,
  fn: (item: T) => Promise<void>,
): Promise<BatchResult> {
  let done = 0;
  let start = 0;
  for (let size = Math.max(1, initialBatch); start < items.length; size *= 2) {
    const batch = items.slice(start, start + size);
    start += batch.length;
    const results = await Promise.allSettled(batch.map((item) => fn(item)));
    const failed = results.find((r) => r.status === 'rejected');
    done += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { done, error: failed.reason };
  }
  return { done };
}
