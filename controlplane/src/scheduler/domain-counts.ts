/**
 * Numbers per topology domain (`zone=a`, `hostname=n1`), keyed by topology key and then by the
 * node's label value, so a lookup reuses the strings the node objects already hold instead of
 * building a `key=value` string per pod counted.
 *
 *   const counts = new DomainCounts();
 *   counts.add(node.metadata.labels, 'topology.kubernetes.io/zone', 1);
 *   counts.get(other.metadata.labels, 'topology.kubernetes.io/zone');  // 1 if in the same zone
 */
import type { Labels } from '@wisp/api/labels/index.ts';

export class DomainCounts {
  readonly #byKey = new Map<string, Map<string, number>>();

  isEmpty(): boolean {
    return this.#byKey.size === 0;
  }

  /** Adds `n` to the domain the labels place under `key`; nothing when they lack the key. */
  add(labels: Labels, key: string, n: number): void {
    if (!Object.hasOwn(labels, key)) return;
    let values = this.#byKey.get(key);
    if (!values) this.#byKey.set(key, (values = new Map()));
    const value = labels[key];
    values.set(value, (values.get(value) ?? 0) + n);
  }

  /** The count of the domain the labels place under `key`; 0 when they lack the key. */
  get(labels: Labels, key: string): number {
    if (!Object.hasOwn(labels, key)) return 0;
    return this.#byKey.get(key)?.get(labels[key]) ?? 0;
  }

  /** The sum over every key counted of the domain the labels place under it. */
  sum(labels: Labels): number {
    let total = 0;
    for (const [key, values] of this.#byKey) {
      if (Object.hasOwn(labels, key)) total += values.get(labels[key]) ?? 0;
    }
    return total;
  }
}
