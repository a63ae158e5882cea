/** Pods: namespace, name, phase, node, restarts and age. */
import { h, table } from '../dom.ts';
import { formatAge } from '../format-age.ts';
import { restartsOf } from '../kube-types.ts';
import type { PodObject } from '../kube-types.ts';
import { keyOf } from '../object-cache.ts';

export function renderPods(pods: readonly PodObject[], nowMs: number): HTMLElement {
  const rows = [...pods]
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
    .map((p) =>
      h(
        'tr',
        { 'data-pod': keyOf(p) },
        h('td', {}, p.metadata?.namespace ?? ''),
        h('td', {}, p.metadata?.name ?? ''),
        h('td', { class: `phase ${p.status?.phase ?? ''}` }, p.status?.phase ?? ''),
        h('td', {}, p.spec?.nodeName ?? ''),
        h('td', {}, restartsOf(p)),
        h('td', {}, formatAge(p.metadata?.creationTimestamp, nowMs)),
      ),
    );
  return table(['Namespace', 'Name', 'Phase', 'Node', 'Restarts', 'Age'], rows);
}
