/**
 * What the dashboard says about a Node, as `kubectl get nodes` says it: `Ready` when the Ready
 * condition is True, `NotReady` when it is False or Unknown (a node that stopped heartbeating),
 * `Unknown` when it has none yet; with `,SchedulingDisabled` when cordoned; and its site.
 */

export const zoneLabel = 'topology.kubernetes.io/zone';
/** Where a node without a zone label is counted. */
export const noSite = '(none)';

export interface NodeLike {
  readonly metadata?: { name?: string; labels?: Record<string, string> };
  readonly spec?: { unschedulable?: boolean };
  readonly status?: {
    conditions?: readonly { type?: string; status?: string }[];
    nodeInfo?: { kubeletVersion?: string };
  };
}

export type Readiness = 'Ready' | 'NotReady' | 'Unknown';

export function readiness(node: NodeLike): Readiness {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return 'Unknown';
  return ready.status === 'True' ? 'Ready' : 'NotReady';
}

export function nodeStatusText(node: NodeLike): string {
  const r = readiness(node);
  return node.spec?.unschedulable ? `${r},SchedulingDisabled` : r;
}

export function siteOf(node: NodeLike): string {
  return node.metadata?.labels?.[zoneLabel] || noSite;
}

export interface SiteSummary {
  readonly site: string;
  readonly total: number;
  readonly byReadiness: Readonly<Record<Readiness, number>>;
  readonly cordoned: number;
}

/** One summary per site, sorted by site name. */
export function summarizeSites(nodes: readonly NodeLike[]): SiteSummary[] {
  const sites = new Map<
    string,
    { total: number; cordoned: number; r: Record<Readiness, number> }
  >();
  for (const n of nodes) {
    const site = siteOf(n);
    let s = sites.get(site);
    if (!s) {
      s = { total: 0, cordoned: 0, r: { Ready: 0, NotReady: 0, Unknown: 0 } };
      sites.set(site, s);
    }
    s.total++;
    s.r[readiness(n)]++;
    if (n.spec?.unschedulable) s.cordoned++;
  }
  return [...sites.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([site, s]) => ({ site, total: s.total, byReadiness: s.r, cordoned: s.cordoned }));
}
