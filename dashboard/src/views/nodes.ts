/**
 * Nodes with filters by site, label and status, each name a link to the node's page, and
 * cordon / uncordon buttons when the user may patch nodes (`onCordon` is absent otherwise, and no
 * button is drawn).
 */
import { h, table } from '../dom.ts';
import { formatAge } from '../format-age.ts';
import type { NodeObject } from '../kube-types.ts';
import { nodeStatusText, readiness, siteOf } from '../node-status.ts';
import { routeHash } from '../router.ts';

export interface NodeFilters {
  site: string;
  status: string;
  /** `key` or `key=value`; empty for all. */
  label: string;
}

export interface NodesView {
  readonly nodes: readonly NodeObject[];
  readonly filters: NodeFilters;
  readonly nowMs: number;
  readonly onFilter: (f: NodeFilters) => void;
  readonly onCordon?: (name: string, unschedulable: boolean) => void;
}

export const allValue = '';

export function renderNodes(v: NodesView): HTMLElement {
  const sites = [...new Set(v.nodes.map(siteOf))].sort();
  const shown = v.nodes
    .filter((n) => v.filters.site === allValue || siteOf(n) === v.filters.site)
    .filter((n) => v.filters.status === allValue || matchesStatus(n, v.filters.status))
    .filter((n) => matchesLabel(n, v.filters.label))
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const select = (id: string, label: string, options: string[], value: string) =>
    h(
      'label',
      {},
      `${label} `,
      h(
        'select',
        {
          id,
          onchange: (e: Event) => {
            const chosen = (e.target as HTMLSelectElement).value;
            v.onFilter({ ...v.filters, [id === 'node-site' ? 'site' : 'status']: chosen });
          },
        },
        ...['', ...options].map((o) => {
          const opt = h('option', { value: o }, o || 'all');
          opt.selected = o === value;
          return opt;
        }),
      ),
    );
  const rows = shown.map((n) => nodeRow(n, v));
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'filters' },
      select('node-site', 'Site', sites, v.filters.site),
      select(
        'node-status',
        'Status',
        ['Ready', 'NotReady', 'Unknown', 'SchedulingDisabled'],
        v.filters.status,
      ),
      labelFilter(v),
    ),
    table(['Name', 'Site', 'Status', 'Version', 'Age', ...(v.onCordon ? [''] : [])], rows),
  );
}

function labelFilter(v: NodesView): HTMLElement {
  const input = h('input', {
    id: 'node-label',
    placeholder: 'key or key=value',
    value: v.filters.label,
  });
  input.addEventListener('change', () => v.onFilter({ ...v.filters, label: input.value.trim() }));
  return h('label', {}, 'Label ', input);
}

export function matchesLabel(n: NodeObject, filter: string): boolean {
  if (!filter) return true;
  const [key, value] = filter.split('=', 2);
  const labels = n.metadata?.labels ?? {};
  if (!(key in labels)) return false;
  return value === undefined || labels[key] === value;
}

function matchesStatus(n: NodeObject, status: string): boolean {
  if (status === 'SchedulingDisabled') return n.spec?.unschedulable === true;
  return readiness(n) === status;
}

function nodeRow(n: NodeObject, v: NodesView): HTMLTableRowElement {
  const name = n.metadata?.name ?? '';
  const cordoned = n.spec?.unschedulable === true;
  const onCordon = v.onCordon;
  return h(
    'tr',
    { 'data-node': name },
    h('td', {}, h('a', { href: routeHash({ page: 'node', name }) }, name)),
    h('td', {}, siteOf(n)),
    h('td', { class: `status ${readiness(n)}` }, nodeStatusText(n)),
    h('td', {}, n.status?.nodeInfo?.kubeletVersion ?? ''),
    h('td', {}, formatAge(n.metadata?.creationTimestamp, v.nowMs)),
    onCordon &&
      h(
        'td',
        {},
        h(
          'button',
          {
            class: cordoned ? 'uncordon' : 'cordon',
            onclick: () => onCordon(name, !cordoned),
          },
          cordoned ? 'Uncordon' : 'Cordon',
        ),
      ),
  );
}
