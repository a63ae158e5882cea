/**
 * The overview's numbers beyond node counts: allocatable capacity against what scheduled pods
 * request, the kubelet versions in the fleet (skew), and node certificates expiring soon (from
 * the `wisp.dev/certificate-not-after` annotation the control plane writes at join and renewal).
 */
import type { NodeObject, PodObject } from './kube-types.ts';
import { quantityValue } from './quantity.ts';

export const certificateNotAfterAnnotation = 'wisp.dev/certificate-not-after';
/** Certificates expiring within this are listed on the overview. */
export const certificateSoonMs = 30 * 24 * 3600 * 1000;

export interface Capacity {
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly pods: number;
  readonly requestedCpuCores: number;
  readonly requestedMemoryBytes: number;
  readonly scheduledPods: number;
}

const finished = (p: PodObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export function fleetCapacity(nodes: readonly NodeObject[], pods: readonly PodObject[]): Capacity {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const scheduled = pods.filter((p) => p.spec?.nodeName && !finished(p));
  const requests = scheduled.flatMap((p) => p.spec?.containers ?? []);
  return {
    cpuCores: sum(nodes.map((n) => quantityValue(n.status?.allocatable?.cpu))),
    memoryBytes: sum(nodes.map((n) => quantityValue(n.status?.allocatable?.memory))),
    pods: sum(nodes.map((n) => quantityValue(n.status?.allocatable?.pods))),
    requestedCpuCores: sum(requests.map((c) => quantityValue(c.resources?.requests?.cpu))),
    requestedMemoryBytes: sum(requests.map((c) => quantityValue(c.resources?.requests?.memory))),
    scheduledPods: scheduled.length,
  };
}

/** Kubelet versions with how many nodes run each, most common first. */
export function versionSkew(nodes: readonly NodeObject[]): { version: string; nodes: number }[] {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    const v = n.status?.nodeInfo?.kubeletVersion || 'unknown';
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([version, count]) => ({ version, nodes: count }))
    .sort((a, b) => b.nodes - a.nodes || a.version.localeCompare(b.version));
}

export interface CertificateExpiry {
  readonly node: string;
  readonly notAfter: string;
  readonly expired: boolean;
}

/** Nodes whose certificate ends within `withinMs` of `nowMs` (or already has), soonest first. */
export function expiringCertificates(
  nodes: readonly NodeObject[],
  nowMs: number,
  withinMs = certificateSoonMs,
): CertificateExpiry[] {
  const out: CertificateExpiry[] = [];
  for (const n of nodes) {
    const notAfter = n.metadata?.annotations?.[certificateNotAfterAnnotation];
    const at = notAfter ? Date.parse(notAfter) : NaN;
    if (Number.isNaN(at) || at - nowMs > withinMs) continue;
    out.push({ node: n.metadata?.name ?? '', notAfter: notAfter!, expired: at <= nowMs });
  }
  return out.sort((a, b) => a.notAfter.localeCompare(b.notAfter));
}
