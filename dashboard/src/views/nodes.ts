/**
 * Nodes with filters by site and status, and cordon / uncordon buttons when the user may patch
 * nodes (`onCordon` is absent otherwise, and no button is drawn).
 */
import { h, table } from '../dom.ts';
import { formatAge } from '../format-age.ts';
import type { NodeObject } from '../kube-types.ts';
import { nodeStatusText, readiness, siteOf } from '../node-status.ts';

export interface NodeFilters {
  site: string;
  status: string;
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
    ),
    table(['Name', 'Site', 'Status', 'Version', 'Age', ...(v.onCordon ? [''] : [])], rows),
  );
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
    h('td', {}, name),
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
