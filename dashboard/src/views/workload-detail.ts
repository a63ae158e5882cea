/** One workload as YAML (read-only), with its per-site progress above it. */
import { h } from '../dom.ts';
import type { NodeObject, PodObject, WorkloadObject } from '../kube-types.ts';
import { routeHash } from '../router.ts';
import { toYaml } from '../to-yaml.ts';
import { progressBySite } from '../workloads.ts';

export function renderWorkloadDetail(
  title: string,
  w: WorkloadObject | undefined,
  pods: readonly PodObject[],
  nodes: readonly NodeObject[],
): HTMLElement {
  const back = h('a', { href: routeHash({ page: 'fleet' }) }, '← fleet');
  if (!w) return h('div', {}, back, h('p', { class: 'error' }, `${title}: not found`));
  // managedFields are bookkeeping for server-side apply; kubectl hides them too.
  const { managedFields: _, ...metadata } = (w.metadata ?? {}) as Record<string, unknown>;
  return h(
    'div',
    {},
    back,
    h('h2', {}, title),
    h(
      'ul',
      { class: 'labels' },
      ...progressBySite(w, pods, nodes).map((s) =>
        h('li', {}, `${s.site}: ${s.ready}/${s.pods} ready`),
      ),
    ),
    h('pre', { class: 'yaml', id: 'workload-yaml' }, toYaml({ ...w, metadata })),
  );
}
