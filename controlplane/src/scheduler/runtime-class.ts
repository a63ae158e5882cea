/**
 * RuntimeClass support. A node advertises the runtime handlers its agent has in the label
 * `wisp.dev/runtimes`; a pod with `runtimeClassName` fits only nodes that list its
 * RuntimeClass's `handler`, and a pod without one needs nothing. Label values cannot hold
 * commas, so the list is written `wasm.oci` (handlers are DNS labels and never contain `.` or
 * `_`); `_` and `,` separate too, the comma for nodes written by clients that skip label
 * validation. The RuntimeClass's `scheduling.nodeSelector` and `scheduling.tolerations` apply
 * as well, as Kubernetes' RuntimeClass admission would merge them into the pod.
 *
 *   const rc = resolveRuntimeClass(pod, lookup);  // { handler: 'wasm', ... } or an error reason
 *   nodeHasRuntime(node, 'wasm');  // node labelled wisp.dev/runtimes=wasm.oci
 */
import type { Node, Pod, RuntimeClass, Toleration } from './types.ts';

export const RUNTIMES_LABEL = 'wisp.dev/runtimes';

const RUNTIME_SEPARATORS = /[.,_]/;

/** The label value advertising `handlers`: `runtimesLabelValue(['wasm', 'oci'])` → `wasm.oci`. */
export function runtimesLabelValue(handlers: readonly string[]): string {
  return handlers.join('.');
}

export interface PodRuntime {
  /** The handler nodes must offer; undefined when the pod names no RuntimeClass. */
  readonly handler?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

export type RuntimeLookup = (name: string) => RuntimeClass | undefined;

/** The pod's runtime needs, or the reason it cannot be scheduled anywhere. */
export function resolveRuntimeClass(
  pod: Pod,
  lookup: RuntimeLookup | undefined,
): PodRuntime | { readonly missing: string } {
  const name = pod.spec?.runtimeClassName;
  if (!name) return { tolerations: [] };
  const rc = lookup?.(name);
  if (!rc) return { missing: `runtimeclass.node.k8s.io "${name}" not found` };
  return {
    handler: rc.handler,
    nodeSelector: rc.scheduling?.nodeSelector,
    tolerations: rc.scheduling?.tolerations ?? [],
  };
}

const runtimesMemo = new WeakMap<Node, ReadonlySet<string>>();

export function nodeRuntimes(node: Node): ReadonlySet<string> {
  let set = runtimesMemo.get(node);
  if (!set) {
    const label = node.metadata?.labels?.[RUNTIMES_LABEL] ?? '';
    set = new Set(
      label
        .split(RUNTIME_SEPARATORS)
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );
    runtimesMemo.set(node, set);
  }
  return set;
}

export function nodeHasRuntime(node: Node, handler: string): boolean {
  return nodeRuntimes(node).has(handler);
}

export function runtimeReason(handler: string): string {
  return `node(s) didn't support runtime handler "${handler}"`;
}
