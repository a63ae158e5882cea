/**
 * The five workload kinds the dashboard lists, where each lives in the API, which actions each
 * allows, and its rollout progress per site: the workload's pods (by its selector's matchLabels,
 * or for Jobs and CronJobs by owner) grouped by their node's `topology.kubernetes.io/zone`.
 */
import { isPodReady } from './kube-types.ts';
import type { NodeObject, PodObject, WorkloadObject } from './kube-types.ts';
import { siteOf } from './node-status.ts';

export interface WorkloadKind {
  readonly kind: string;
  readonly group: string;
  readonly plural: string;
  readonly scalable: boolean;
  readonly restartable: boolean;
}

export const workloadKinds: readonly WorkloadKind[] = [
  { kind: 'Deployment', group: 'apps', plural: 'deployments', scalable: true, restartable: true },
  { kind: 'DaemonSet', group: 'apps', plural: 'daemonsets', scalable: false, restartable: true },
  { kind: 'StatefulSet', group: 'apps', plural: 'statefulsets', scalable: true, restartable: true },
  { kind: 'Job', group: 'batch', plural: 'jobs', scalable: false, restartable: false },
  { kind: 'CronJob', group: 'batch', plural: 'cronjobs', scalable: false, restartable: false },
];

export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';

export function listPath(k: WorkloadKind): string {
  return `/apis/${k.group}/v1/${k.plural}`;
}

export function objectPath(k: WorkloadKind, namespace: string, name: string): string {
  const ns = encodeURIComponent(namespace);
  return `/apis/${k.group}/v1/namespaces/${ns}/${k.plural}/${encodeURIComponent(name)}`;
}

/** "ready / desired" as `kubectl get` prints it for each kind. */
export function readyText(k: WorkloadKind, w: WorkloadObject): string {
  const s = w.status ?? {};
  switch (k.kind) {
    case 'DaemonSet':
      return `${s.numberReady ?? 0}/${s.desiredNumberScheduled ?? 0}`;
    case 'Job':
      return `${s.succeeded ?? 0}/${w.spec?.completions ?? 1}`;
    case 'CronJob': {
      const active = Array.isArray(s.active) ? s.active.length : 0;
      return `${w.spec?.schedule ?? ''}${w.spec?.suspend ? ' (suspended)' : ''}, ${active} active`;
    }
    default:
      return `${s.readyReplicas ?? 0}/${w.spec?.replicas ?? 1}`;
  }
}

function selects(w: WorkloadObject, p: PodObject): boolean {
  if (p.metadata?.namespace !== w.metadata?.namespace) return false;
  const match = w.spec?.selector?.matchLabels;
  if (match && Object.keys(match).length > 0) {
    const labels = p.metadata?.labels ?? {};
    return Object.entries(match).every(([k, v]) => labels[k] === v);
  }
  // Jobs made by a CronJob carry its name as a prefix; a Job's pods carry `job-name`.
  const name = w.metadata?.name ?? '';
  const jobName = p.metadata?.labels?.['job-name'] ?? '';
  return jobName === name || jobName.startsWith(`${name}-`);
}

export interface SiteProgress {
  readonly site: string;
  readonly pods: number;
  readonly ready: number;
}

/** The workload's pods per site (pods not yet scheduled count under `(pending)`), by site name. */
export function progressBySite(
  w: WorkloadObject,
  pods: readonly PodObject[],
  nodes: readonly NodeObject[],
): SiteProgress[] {
  const siteOfNode = new Map(nodes.map((n) => [n.metadata?.name ?? '', siteOf(n)]));
  const bySite = new Map<string, { pods: number; ready: number }>();
  for (const p of pods) {
    if (!selects(w, p)) continue;
    const node = p.spec?.nodeName;
    const site = node ? (siteOfNode.get(node) ?? '(unknown)') : '(pending)';
    const s = bySite.get(site) ?? { pods: 0, ready: 0 };
    s.pods++;
    if (isPodReady(p)) s.ready++;
    bySite.set(site, s);
  }
  return [...bySite.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([site, s]) => ({ site, ...s }));
}
