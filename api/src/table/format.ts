/**
 * The small string forms kubectl's printers share: label selectors, label maps, container
 * name and image lists.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';

function requirement(key: string, operator: string, values: readonly string[]): string {
  const sorted = [...values].sort().join(',');
  switch (operator) {
    case 'In':
      return `${key} in (${sorted})`;
    case 'NotIn':
      return `${key} notin (${sorted})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      throw new Error(`${key}: unknown label selector operator ${operator}`);
  }
}

/**
 * A LabelSelector in the string syntax of `-l`, requirements sorted by key, as
 * `labels.Selector.String()` writes it: empty for a missing or empty selector, `<error>` for an
 * invalid one.
 */
export function selectorString(selector: LabelSelector | null | undefined): string {
  if (!selector) return '';
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push([k, `${k}=${v}`]);
  try {
    for (const e of selector.matchExpressions ?? []) {
      parts.push([e.key, requirement(e.key, e.operator, e.values ?? [])]);
    }
  } catch {
    return '<error>';
  }
  return parts
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((p) => p[1])
    .join(',');
}

/** `selectorString`, with `<none>` for an empty selector (`metav1.FormatLabelSelector`). */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  return selectorString(selector) || '<none>';
}

/** `k=v` pairs sorted by key, or `<none>` (`labels.FormatLabels`). */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${(labels as Record<string, string>)[k]}`).join(',');
}

/** The CONTAINERS and IMAGES cells of workload tables. */
export function containerCells(
  containers: readonly { name: string; image?: string }[] | undefined,
): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}
