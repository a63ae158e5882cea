/**
 * The fleet at a glance: how many nodes in how many sites, each site's nodes by status, pods by
 * phase, capacity against requests, kubelet versions (skew), certificates expiring soon, and the
 * latest warnings.
 */
import { h } from '../dom.ts';
import { expiringCertificates, fleetCapacity, versionSkew } from '../fleet-summary.ts';
import { formatAge } from '../format-age.ts';
import { eventTime } from '../kube-types.ts';
import type { EventObject, NodeObject, PodObject } from '../kube-types.ts';
import { summarizeSites } from '../node-status.ts';
import { formatBytes, formatCores } from '../quantity.ts';
import { routeHash } from '../router.ts';

/** Warnings listed on the overview. */
export const overviewWarningsMax = 5;

export interface OverviewData {
  readonly nodes: readonly NodeObject[];
  readonly pods: readonly PodObject[];
  readonly events: readonly EventObject[];
  readonly nowMs: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderOverview(d: OverviewData): HTMLElement {
  const sites = summarizeSites(d.nodes);
  const phases = new Map<string, number>();
  for (const p of d.pods) {
    const phase = p.status?.phase ?? 'Unknown';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
  }
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'headline', 'data-testid': 'fleet-headline' },
      `${plural(d.nodes.length, 'node')} in ${plural(sites.length, 'site')}`,
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
      capacityCard(d),
      versionsCard(d.nodes),
    ),
    certificates(d),
    warnings(d.events, d.nowMs),
  );
}

function capacityCard(d: OverviewData): HTMLElement {
  const c = fleetCapacity(d.nodes, d.pods);
  const pct = (used: number, total: number) =>
    total > 0 ? ` (${Math.round((used / total) * 100)}%)` : '';
  return h(
    'div',
    { class: 'card', 'data-testid': 'capacity' },
    h('h3', {}, 'Capacity (requested)'),
    h(
      'p',
      {},
      `CPU ${formatCores(c.requestedCpuCores)} of ${formatCores(c.cpuCores)}` +
        pct(c.requestedCpuCores, c.cpuCores),
    ),
    h(
      'p',
      {},
      `Memory ${formatBytes(c.requestedMemoryBytes)} of ${formatBytes(c.memoryBytes)}` +
        pct(c.requestedMemoryBytes, c.memoryBytes),
    ),
    h('p', {}, `Pods ${c.scheduledPods} of ${c.pods}`),
  );
}

function versionsCard(nodes: readonly NodeObject[]): HTMLElement {
  const skew = versionSkew(nodes);
  return h(
    'div',
    { class: 'card', 'data-testid': 'versions' },
    h('h3', {}, skew.length > 1 ? 'Versions (skew)' : 'Version'),
    ...skew.map((v) => h('p', {}, `${v.version}: ${plural(v.nodes, 'node')}`)),
  );
}

function certificates(d: OverviewData): HTMLElement {
  const soon = expiringCertificates(d.nodes, d.nowMs);
  return h(
    'div',
    {},
    h('h3', {}, 'Certificates expiring within 30 days'),
    soon.length === 0
      ? h('p', { class: 'muted' }, 'none')
      : h(
          'ul',
          { class: 'warnings' },
          ...soon.map((e) =>
            h(
              'li',
              { class: e.expired ? 'bad' : 'warn' },
              h('a', { href: routeHash({ page: 'node', name: e.node }) }, e.node),
              e.expired ? ` expired ${e.notAfter}` : ` expires ${e.notAfter}`,
            ),
          ),
        ),
  );
}

function warnings(events: readonly EventObject[], nowMs: number): HTMLElement {
  const recent = events
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))
    .slice(0, overviewWarningsMax);
  return h(
    'div',
    {},
    h('h3', {}, 'Recent warnings'),
    recent.length === 0
      ? h('p', { class: 'muted' }, 'none')
      : h(
          'ul',
          { class: 'warnings' },
          ...recent.map((e) =>
            h(
              'li',
              {},
              `${formatAge(eventTime(e), nowMs)} ago ${e.involvedObject?.name ?? ''}: ` +
                `${e.reason ?? ''} — ${e.message ?? ''}`,
            ),
          ),
        ),
  );
}
