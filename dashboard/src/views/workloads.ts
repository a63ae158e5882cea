/**
 * Deployments, DaemonSets, StatefulSets, Jobs and CronJobs: ready counts, rollout progress per
 * site, a link to the YAML view, and scale / restart where the kind has them and the user may.
 */
import { h, table } from '../dom.ts';
import { formatAge } from '../format-age.ts';
import type { NodeObject, PodObject, WorkloadObject } from '../kube-types.ts';
import { keyOf } from '../object-cache.ts';
import { routeHash } from '../router.ts';
import { progressBySite, readyText } from '../workloads.ts';
import type { WorkloadKind } from '../workloads.ts';

export interface WorkloadActions {
  readonly onScale: (k: WorkloadKind, w: WorkloadObject, replicas: number) => void;
  readonly onRestart: (k: WorkloadKind, w: WorkloadObject) => void;
}

export interface WorkloadsView {
  readonly kinds: readonly { kind: WorkloadKind; items: readonly WorkloadObject[] }[];
  readonly pods: readonly PodObject[];
  readonly nodes: readonly NodeObject[];
  readonly nowMs: number;
  /** Absent for users who may not patch workloads: no buttons are drawn. */
  readonly actions?: WorkloadActions;
}

export function renderWorkloads(v: WorkloadsView): HTMLElement {
  const rows = v.kinds.flatMap(({ kind, items }) =>
    [...items].sort((a, b) => keyOf(a).localeCompare(keyOf(b))).map((w) => row(kind, w, v)),
  );
  const headers = ['Kind', 'Namespace', 'Name', 'Ready', 'By site', 'Age'];
  return table(v.actions ? [...headers, ''] : headers, rows);
}

function row(k: WorkloadKind, w: WorkloadObject, v: WorkloadsView): HTMLTableRowElement {
  const namespace = w.metadata?.namespace ?? '';
  const name = w.metadata?.name ?? '';
  const sites = progressBySite(w, v.pods, v.nodes);
  return h(
    'tr',
    { 'data-workload': `${k.kind}/${namespace}/${name}` },
    h('td', {}, k.kind),
    h('td', {}, namespace),
    h(
      'td',
      {},
      h('a', { href: routeHash({ page: 'workload', kind: k.kind, namespace, name }) }, name),
    ),
    h('td', { class: 'ready' }, readyText(k, w)),
    h(
      'td',
      { class: 'sites' },
      sites.length === 0 ? '—' : sites.map((s) => `${s.site} ${s.ready}/${s.pods}`).join(', '),
    ),
    h('td', {}, formatAge(w.metadata?.creationTimestamp, v.nowMs)),
    v.actions ? h('td', { class: 'actions' }, ...actionsFor(k, w, v.actions)) : null,
  );
}

function actionsFor(k: WorkloadKind, w: WorkloadObject, a: WorkloadActions): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (k.scalable) {
    const input = h('input', {
      class: 'replicas',
      type: 'number',
      min: '0',
      value: String(w.spec?.replicas ?? 1),
    });
    out.push(
      input,
      h(
        'button',
        {
          class: 'scale',
          onclick: () => {
            const n = Number(input.value);
            if (Number.isInteger(n) && n >= 0) a.onScale(k, w, n);
          },
        },
        'Scale',
      ),
    );
  }
  if (k.restartable) {
    out.push(h('button', { class: 'restart', onclick: () => a.onRestart(k, w) }, 'Restart'));
  }
  return out;
}
