/**
 * Resource accounting as kube-scheduler does it: what a pod requests (the sum of its containers,
 * or the largest init container if that is more, plus sidecars and overhead), what a node can
 * allocate, and what the pods already on it use. CPU is counted in millicores, everything else
 * in whole units (bytes for memory).
 *
 *   const need = podResources(pod).requests;  // { cpu: 250, memory: 67108864 }
 *   const fit = resourceFit(pod, node, podsOnNode);  // { reasons: ['Insufficient cpu'], ... }
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '@wisp/api/quantity/index.ts';
import type { Node, Pod } from './types.ts';

/** Amounts by resource name; `cpu` in millicores, the rest in whole units. */
export type Amounts = Readonly<Record<string, number>>;

export interface PodResources {
  /** What the pod asks for; resources it does not ask for are absent. */
  readonly requests: Amounts;
  /**
   * `cpu` and `memory` with kube-scheduler's stand-ins for containers that ask for none, so
   * scoring still spreads pods without requests.
   */
  readonly nonZero: { readonly cpu: number; readonly memory: number };
}

/** kube-scheduler's `DefaultMilliCPURequest`: what a container without a cpu request counts as. */
export const defaultCpuRequestMilli = 100;
/** kube-scheduler's `DefaultMemoryRequest`: 200 MiB. */
export const defaultMemoryRequestBytes = 200 * 1024 * 1024;

type Quantities = Readonly<Record<string, string | number>> | undefined;

/** One resource quantity in scheduler units; unparseable values count as nothing. */
export function amountOf(name: string, value: string | number): number {
  const q = tryParseQuantity(String(value));
  if (!q) return 0;
  return name === 'cpu' ? q.milliValue() : q.value();
}

function amounts(list: Quantities): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(list ?? {})) out[name] = amountOf(name, value);
  return out;
}

/** A container's requests; a resource with only a limit requests its limit, as defaulting does. */
function containerRequests(c: Container): Record<string, number> {
  return { ...amounts(c.resources?.limits), ...amounts(c.resources?.requests) };
}

function containerNonZero(c: Container): Record<string, number> {
  const r = containerRequests(c);
  return {
    cpu: r.cpu ?? defaultCpuRequestMilli,
    memory: r.memory ?? defaultMemoryRequestBytes,
  };
}

function addInto(into: Record<string, number>, more: Amounts): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}

function maxInto(into: Record<string, number>, more: Amounts): void {
  for (const [k, v] of Object.entries(more)) into[k] = Math.max(into[k] ?? 0, v);
}

/**
 * The pod-level total: containers run together, init containers one at a time before them, and
 * sidecars (init containers with `restartPolicy: Always`) alongside everything started after.
 */
function aggregate(pod: Pod, per: (c: Container) => Amounts): Record<string, number> {
  const spec = pod.spec;
  const total: Record<string, number> = {};
  for (const c of spec?.containers ?? []) addInto(total, per(c));
  const sidecars: Record<string, number> = {};
  const initPeak: Record<string, number> = {};
  for (const c of spec?.initContainers ?? []) {
    const own = per(c);
    if (c.restartPolicy === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const during = { ...sidecars };
      addInto(during, own);
      maxInto(initPeak, during);
    }
  }
  maxInto(total, initPeak);
  addInto(total, amounts(spec?.overhead));
  return total;
}

// Cached objects are never mutated (informer rule), so a pod's requests can be computed once.
const podMemo = new WeakMap<Pod, PodResources>();

export function podResources(pod: Pod): PodResources {
  let r = podMemo.get(pod);
  if (!r) {
    const nonZero = aggregate(pod, containerNonZero);
    r = {
      requests: aggregate(pod, containerRequests),
      nonZero: { cpu: nonZero.cpu ?? 0, memory: nonZero.memory ?? 0 },
    };
    podMemo.set(pod, r);
  }
  return r;
}

const nodeMemo = new WeakMap<Node, Amounts>();

/** What the node offers for scheduling: `status.allocatable`, else `status.capacity`. */
export function nodeAllocatable(node: Node): Amounts {
  let a = nodeMemo.get(node);
  if (!a) {
    a = amounts(node.status?.allocatable ?? node.status?.capacity);
    nodeMemo.set(node, a);
  }
  return a;
}

export interface NodeUsage {
  readonly requested: Amounts;
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  readonly podCount: number;
}

export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

const usageMemo = new WeakMap<readonly Pod[], NodeUsage>();

/** The sum over pods that still hold their resources (not Succeeded or Failed). */
export function nodeUsage(pods: readonly Pod[]): NodeUsage {
  let u = usageMemo.get(pods);
  if (u) return u;
  const requested: Record<string, number> = {};
  let nonZeroCpu = 0;
  let nonZeroMemory = 0;
  let podCount = 0;
  for (const p of pods) {
    if (isTerminal(p)) continue;
    const r = podResources(p);
    addInto(requested, r.requests);
    nonZeroCpu += r.nonZero.cpu;
    nonZeroMemory += r.nonZero.memory;
    podCount++;
  }
  u = { requested, nonZeroCpu, nonZeroMemory, podCount };
  usageMemo.set(pods, u);
  return u;
}

export interface FitResult {
  /** `Too many pods`, then `Insufficient <resource>` in kube-scheduler's order. */
  readonly reasons: readonly string[];
  /** False when the pod asks for more than the node has in total. */
  readonly resolvable: boolean;
}

/** Resources checked in a fixed order so messages are stable; others follow by name. */
const ORDER = ['cpu', 'memory', 'ephemeral-storage'];

function resourceNames(requests: Amounts): string[] {
  const rest = Object.keys(requests)
    .filter((n) => !ORDER.includes(n) && n !== 'pods')
    .sort();
  return [...ORDER.filter((n) => n in requests), ...rest];
}

/** kube-scheduler's NodeResourcesFit filter. */
export function resourceFit(pod: Pod, node: Node, podsOnNode: readonly Pod[]): FitResult {
  const alloc = nodeAllocatable(node);
  const used = nodeUsage(podsOnNode);
  const reasons: string[] = [];
  let resolvable = true;
  if (used.podCount + 1 > (alloc.pods ?? 0)) reasons.push('Too many pods');
  const { requests } = podResources(pod);
  for (const name of resourceNames(requests)) {
    const want = requests[name];
    if (want <= 0) continue;
    const have = alloc[name] ?? 0;
    if (want > have - (used.requested[name] ?? 0)) {
      reasons.push(`Insufficient ${name}`);
      if (want > have) resolvable = false;
    }
  }
  return { reasons, resolvable };
}
