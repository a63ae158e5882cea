/**
 * Bound pods indexed by namespace, and the few that carry pod (anti-)affinity, so topology spread
 * and inter-pod affinity count only the pods that can matter instead of every pod on every node.
 * The scheduler cache keeps one up to date as the informer moves; `indexBoundPods` builds one
 * from a `PodsOnNodes` map for callers of the pure `schedule` that have no cache.
 *
 *   const index = new PodIndex();
 *   index.add('default/web-1', pod);   // pod.spec.nodeName set
 *   index.inNamespace('default');      // [pod]
 */
import type { BoundPodIndex, Pod, PodsOnNodes } from './types.ts';

const NO_PODS: readonly Pod[] = [];

/** Whether the pod names any pod affinity or anti-affinity term. */
export function hasPodAffinity(pod: Pod): boolean {
  const a = pod.spec?.affinity;
  for (const rules of [a?.podAffinity, a?.podAntiAffinity]) {
    if (rules?.requiredDuringSchedulingIgnoredDuringExecution?.length) return true;
    if (rules?.preferredDuringSchedulingIgnoredDuringExecution?.length) return true;
  }
  return false;
}

export class PodIndex implements BoundPodIndex {
  /** namespace → pod key → pod; read by iterating, so a change never copies a namespace. */
  readonly #byNamespace = new Map<string, Map<string, Pod>>();
  /** pod key → namespace it is indexed under */
  readonly #namespaceOf = new Map<string, string>();
  readonly #withAffinity = new Map<string, Pod>();

  add(key: string, pod: Pod): void {
    this.remove(key);
    const ns = pod.metadata?.namespace ?? '';
    let set = this.#byNamespace.get(ns);
    if (!set) this.#byNamespace.set(ns, (set = new Map()));
    set.set(key, pod);
    this.#namespaceOf.set(key, ns);
    if (hasPodAffinity(pod)) this.#withAffinity.set(key, pod);
  }

  remove(key: string): void {
    const ns = this.#namespaceOf.get(key);
    if (ns === undefined) return;
    this.#namespaceOf.delete(key);
    const set = this.#byNamespace.get(ns)!;
    set.delete(key);
    if (set.size === 0) this.#byNamespace.delete(ns);
    this.#withAffinity.delete(key);
  }

  namespaces(): Iterable<string> {
    return this.#byNamespace.keys();
  }

  inNamespace(namespace: string): Iterable<Pod> {
    return this.#byNamespace.get(namespace)?.values() ?? NO_PODS;
  }

  withAffinity(): Iterable<Pod> {
    return this.#withAffinity.values();
  }

  affinityCount(): number {
    return this.#withAffinity.size;
  }
}

/** An index of the pods in `podsOnNodes`, for callers that keep no scheduler cache. */
export function indexBoundPods(podsOnNodes: PodsOnNodes): BoundPodIndex {
  const index = new PodIndex();
  let i = 0;
  for (const [node, pods] of podsOnNodes) {
    for (const p of pods) {
      const placed = p.spec?.nodeName === node ? p : { ...p, spec: { ...p.spec!, nodeName: node } };
      index.add(String(i++), placed);
    }
  }
  return index;
}
