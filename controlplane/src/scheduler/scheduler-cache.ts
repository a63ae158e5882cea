/**
 * Which pods sit on which node, as the scheduler must count them: what the pod informer shows,
 * plus pods the scheduler has bound (or is binding) that the informer has not shown yet. Without
 * the second part a burst of pods would all see the same free node and overcommit it. An
 * assumption ends when the informer shows the pod bound or gone, or `assumedTtlMs` after its
 * binding finished if the informer never does (kube-scheduler's assumed-pod expiry).
 *
 *   cache.assume('default/web-1', pod, 'node-3');   // before the binding write
 *   cache.finishBinding('default/web-1', clock.monotonic());
 *   schedule(pod, nodes, cache.podsOnNodes(), { ...options, podIndex: cache.podIndex() });
 */
import { PodIndex } from './pod-index.ts';
import { isTerminal } from './resources.ts';
import type { BoundPodIndex, Pod, PodsOnNodes } from './types.ts';

export interface SchedulerCacheInit {
  /** How long an assumed pod whose binding finished may wait for the informer to confirm it. */
  readonly assumedTtlMs?: number;
}

interface Assumed {
  readonly node: string;
  /** Monotonic ms the binding finished; undefined while it is in flight. */
  finishedAtMs?: number;
}

export class SchedulerCache {
  readonly #ttlMs: number;
  /** node → pod key → pod */
  readonly #byNode = new Map<string, Map<string, Pod>>();
  /** node → the same pods as an array, rebuilt when the node's set changes. */
  readonly #arrays = new Map<string, readonly Pod[]>();
  /** pod key → node it is indexed under */
  readonly #nodeOf = new Map<string, string>();
  readonly #assumed = new Map<string, Assumed>();
  /** The same pods by namespace, for topology spread and inter-pod affinity. */
  readonly #index = new PodIndex();

  constructor(init: SchedulerCacheInit = {}) {
    this.#ttlMs = init.assumedTtlMs ?? 30_000;
  }

  /** The informer's view of one pod changed (`pod` undefined: deleted). */
  observe(key: string, pod: Pod | undefined): void {
    const assumed = this.#assumed.get(key);
    if (assumed && pod && !pod.spec?.nodeName) return; // the informer has not caught up yet
    this.#assumed.delete(key);
    this.#unindex(key);
    const node = pod?.spec?.nodeName;
    if (pod && node && !isTerminal(pod)) this.#add(key, node, pod);
  }

  /** Counts `pod` on `node` from now on, before the binding is written. */
  assume(key: string, pod: Pod, node: string): void {
    this.#unindex(key);
    this.#assumed.set(key, { node });
    this.#add(key, node, { ...pod, spec: { ...pod.spec!, nodeName: node } });
  }

  finishBinding(key: string, nowMs: number): void {
    const a = this.#assumed.get(key);
    if (a) a.finishedAtMs = nowMs;
  }

  /** Drops an assumption whose binding failed. */
  forget(key: string): void {
    if (!this.#assumed.delete(key)) return;
    this.#unindex(key);
  }

  isAssumed(key: string): boolean {
    return this.#assumed.has(key);
  }

  assumedCount(): number {
    return this.#assumed.size;
  }

  /** Ends assumptions the informer never confirmed within the TTL. */
  expire(nowMs: number): void {
    for (const [key, a] of this.#assumed) {
      if (a.finishedAtMs !== undefined && nowMs - a.finishedAtMs >= this.#ttlMs) this.forget(key);
    }
  }

  podsOnNodes(): PodsOnNodes {
    return this.#arrays;
  }

  podIndex(): BoundPodIndex {
    return this.#index;
  }

  #add(key: string, node: string, pod: Pod): void {
    let pods = this.#byNode.get(node);
    if (!pods) this.#byNode.set(node, (pods = new Map()));
    pods.set(key, pod);
    this.#nodeOf.set(key, node);
    this.#arrays.set(node, [...pods.values()]);
    this.#index.add(key, pod);
  }

  #unindex(key: string): void {
    const node = this.#nodeOf.get(key);
    if (node === undefined) return;
    this.#nodeOf.delete(key);
    this.#index.remove(key);
    const pods = this.#byNode.get(node)!;
    pods.delete(key);
    if (pods.size === 0) {
      this.#byNode.delete(node);
      this.#arrays.delete(node);
    } else this.#arrays.set(node, [...pods.values()]);
  }
}
