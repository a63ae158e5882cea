/** Pods: namespace, name (a link to the pod and its logs), phase, node, restarts and age. */
import { h, table } from '../dom.ts';
import { formatAge } from '../format-age.ts';
import { podStatusText, restartsOf } from '../kube-types.ts';
import type { PodObject } from '../kube-types.ts';
import { keyOf } from '../object-cache.ts';
import { routeHash } from '../router.ts';

export function renderPods(pods: readonly PodObject[], nowMs: number): HTMLElement {
  const rows = [...pods]
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
    .map((p) => {
      const namespace = p.metadata?.namespace ?? '';
      const name = p.metadata?.name ?? '';
      const node = p.spec?.nodeName ?? '';
      return h(
        'tr',
        { 'data-pod': keyOf(p), 'data-node-name': node },
        h('td', {}, namespace),
        h('td', {}, h('a', { href: routeHash({ page: 'pod', namespace, name }) }, name)),
        h('td', { class: `phase ${podStatusText(p)}` }, podStatusText(p)),
        h(
          'td',
          { class: 'node' },
          node && h('a', { href: routeHash({ page: 'node', name: node }) }, node),
        ),
        h('td', {}, restartsOf(p)),
        h('td', {}, formatAge(p.metadata?.creationTimestamp, nowMs)),
      );
    });
  return table(['Namespace', 'Name', 'Phase', 'Node', 'Restarts', 'Age'], rows);
}
