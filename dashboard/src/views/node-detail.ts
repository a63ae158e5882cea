/**
 * One node: status, site, heartbeat age (its Lease's renewTime), certificate expiry, conditions,
 * labels, capacity and allocatable, and the pods on it; cordon, uncordon and drain when allowed.
 */
import { h, table } from '../dom.ts';
import { certificateNotAfterAnnotation } from '../fleet-summary.ts';
import { formatAge } from '../format-age.ts';
import type { LeaseObject, NodeObject, PodObject } from '../kube-types.ts';
import { nodeStatusText, readiness, siteOf } from '../node-status.ts';
import { routeHash } from '../router.ts';
import { renderPods } from './pods.ts';

export interface NodeActions {
  readonly onCordon?: (unschedulable: boolean) => void;
  readonly onDrain?: () => void;
}

export interface NodeDetail {
  readonly name: string;
  readonly node: NodeObject | undefined;
  readonly lease: LeaseObject | undefined;
  readonly pods: readonly PodObject[];
  readonly nowMs: number;
  /** The outcome of the last drain, shown until the next one. */
  readonly drainReport?: string;
}

export function renderNodeDetail(d: NodeDetail, a: NodeActions): HTMLElement {
  const back = h('a', { href: routeHash({ page: 'fleet' }) }, '← fleet');
  const n = d.node;
  if (!n) return h('div', {}, back, h('p', { class: 'error' }, `nodes "${d.name}": not found`));
  const cordoned = n.spec?.unschedulable === true;
  const renew = d.lease?.spec?.renewTime;
  const certEnd = n.metadata?.annotations?.[certificateNotAfterAnnotation];
  const facts: [string, string][] = [
    ['Status', nodeStatusText(n)],
    ['Site', siteOf(n)],
    ['Heartbeat', renew ? `${formatAge(renew, d.nowMs)} ago` : 'no lease'],
    ['Certificate expires', certEnd ?? 'not recorded'],
    ['Kubelet', n.status?.nodeInfo?.kubeletVersion ?? ''],
    ['Runtime', n.status?.nodeInfo?.containerRuntimeVersion ?? ''],
    ['Pod CIDR', n.spec?.podCIDR ?? ''],
    ['Age', formatAge(n.metadata?.creationTimestamp, d.nowMs)],
  ];
  const actions = h(
    'div',
    { class: 'actions' },
    a.onCordon &&
      h(
        'button',
        { class: cordoned ? 'uncordon' : 'cordon', onclick: () => a.onCordon!(!cordoned) },
        cordoned ? 'Uncordon' : 'Cordon',
      ),
    a.onDrain && h('button', { class: 'drain', onclick: () => a.onDrain!() }, 'Drain'),
  );
  return h(
    'div',
    { 'data-node-detail': d.name },
    back,
    h('h2', {}, d.name, ' ', h('span', { class: `status ${readiness(n)}` }, nodeStatusText(n))),
    actions,
    d.drainReport ? h('p', { class: 'drain-report', role: 'status' }, d.drainReport) : null,
    table(
      ['', ''],
      facts.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { 'data-fact': k }, v))),
    ),
    h('h3', {}, 'Conditions'),
    table(
      ['Type', 'Status', 'Reason', 'Last heartbeat', 'Message'],
      (n.status?.conditions ?? []).map((c) =>
        h(
          'tr',
          { 'data-condition': c.type ?? '' },
          h('td', {}, c.type ?? ''),
          h('td', {}, c.status ?? ''),
          h('td', {}, c.reason ?? ''),
          h('td', {}, formatAge(c.lastHeartbeatTime, d.nowMs)),
          h('td', {}, c.message ?? ''),
        ),
      ),
    ),
    h('h3', {}, 'Labels'),
    h(
      'ul',
      { class: 'labels' },
      ...Object.entries(n.metadata?.labels ?? {}).map(([k, v]) => h('li', {}, `${k}=${v}`)),
    ),
    h('h3', {}, 'Resources'),
    resources(n),
    h('h3', {}, 'Pods'),
    renderPods(
      d.pods.filter((p) => p.spec?.nodeName === d.name),
      d.nowMs,
    ),
  );
}

function resources(n: NodeObject): HTMLElement {
  const cap = n.status?.capacity ?? {};
  const alloc = n.status?.allocatable ?? {};
  const names = [...new Set([...Object.keys(cap), ...Object.keys(alloc)])].sort();
  return table(
    ['Resource', 'Capacity', 'Allocatable'],
    names.map((r) =>
      h('tr', {}, h('td', {}, r), h('td', {}, cap[r] ?? ''), h('td', {}, alloc[r] ?? '')),
    ),
  );
}
