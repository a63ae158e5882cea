/**
 * Drain as `kubectl drain` does it: cordon the node, then ask the Eviction API to remove each of
 * its pods, skipping DaemonSet pods (their controller would put them straight back) and pods
 * that already finished. Evictions refused (a PodDisruptionBudget answers 429) are collected and
 * returned, not thrown, so the page can show every refusal at once.
 *
 *   const { evicted, failures } = await drainNode(api, 'edge-2', podsOnNode);
 */
import type { ApiClient } from './api-client.ts';
import type { PodObject } from './kube-types.ts';

export interface DrainResult {
  readonly evicted: string[];
  readonly skipped: string[];
  readonly failures: string[];
}

export function nodePath(name: string): string {
  return `/api/v1/nodes/${encodeURIComponent(name)}`;
}

export function setUnschedulable(api: ApiClient, node: string, on: boolean): Promise<unknown> {
  return api.mergePatch(nodePath(node), { spec: { unschedulable: on ? true : null } });
}

function skipReason(p: PodObject): string | undefined {
  if (p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet')) return 'DaemonSet';
  const phase = p.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return phase;
  return undefined;
}

export async function drainNode(
  api: ApiClient,
  node: string,
  pods: readonly PodObject[],
): Promise<DrainResult> {
  await setUnschedulable(api, node, true);
  const result: DrainResult = { evicted: [], skipped: [], failures: [] };
  for (const p of pods) {
    if (p.spec?.nodeName !== node) continue;
    const ns = p.metadata?.namespace ?? 'default';
    const name = p.metadata?.name ?? '';
    const key = `${ns}/${name}`;
    const why = skipReason(p);
    if (why) {
      result.skipped.push(`${key} (${why})`);
      continue;
    }
    try {
      await api.post(
        `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/eviction`,
        { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns } },
      );
      result.evicted.push(key);
    } catch (e) {
      result.failures.push((e as Error).message);
    }
  }
  return result;
}
