/**
 * The fleet at a glance: how many nodes in how many sites, each site's nodes by status, pods by
 * phase, and the latest warnings.
 */
import { h } from '../dom.ts';
import { eventTime } from '../kube-types.ts';
import type { EventObject, NodeObject, PodObject } from '../kube-types.ts';
import { summarizeSites } from '../node-status.ts';

/** Warnings listed on the overview. */
export const overviewWarningsMax = 5;

export function renderOverview(
  nodes: readonly NodeObject[],
  pods: readonly PodObject[],
  events: readonly EventObject[],
): HTMLElement {
  const sites = summarizeSites(nodes);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const phases = new Map<string, number>();
  for (const p of pods) {
    const phase = p.status?.phase ?? 'Unknown';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
  }
  const warnings = events
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))
    .slice(0, overviewWarningsMax);
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'headline', 'data-testid': 'fleet-headline' },
      `${plural(nodes.length, 'node')} in ${plural(sites.length, 'site')}`,
    ),
    h(
      'div',
      { class: 'cards' },
      ...sites.map((s) =>
        h(
          'div',
          { class: 'card', 'data-site': s.site },
          h('h3', {}, s.site),
          h('p', {}, `${s.byReadiness.Ready} Ready`),
          s.byReadiness.NotReady > 0 &&
            h('p', { class: 'bad' }, `${s.byReadiness.NotReady} NotReady`),
          s.byReadiness.Unknown > 0 && h('p', { class: 'bad' }, `${s.byReadiness.Unknown} Unknown`),
          s.cordoned > 0 && h('p', { class: 'warn' }, `${s.cordoned} cordoned`),
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', {}, 'Pods'),
        ...[...phases.entries()].sort().map(([phase, n]) => h('p', {}, `${n} ${phase}`)),
        phases.size === 0 && h('p', {}, 'none'),
      ),
    ),
    h('h3', {}, 'Recent warnings'),
    warnings.length === 0
      ? h('p', { class: 'muted' }, 'none')
      : h(
          'ul',
          { class: 'warnings' },
          ...warnings.map((e) =>
            h('li', {}, `${e.involvedObject?.name ?? ''}: ${e.reason ?? ''} — ${e.message ?? ''}`),
          ),
        ),
  );
}
