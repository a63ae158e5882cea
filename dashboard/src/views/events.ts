/** The events stream, newest first, with a filter on type (Normal / Warning). */
import { h, table } from '../dom.ts';
import { formatAge } from '../format-age.ts';
import { eventTime } from '../kube-types.ts';
import type { EventObject } from '../kube-types.ts';

/** Rows drawn; the cache keeps more. */
export const eventRowsMax = 100;

export function renderEvents(
  events: readonly EventObject[],
  type: string,
  nowMs: number,
  onType: (type: string) => void,
): HTMLElement {
  const shown = events
    .filter((e) => !type || e.type === type)
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))
    .slice(0, eventRowsMax);
  const select = h(
    'select',
    { id: 'event-type', onchange: (e: Event) => onType((e.target as HTMLSelectElement).value) },
    ...['', 'Normal', 'Warning'].map((o) => {
      const opt = h('option', { value: o }, o || 'all');
      opt.selected = o === type;
      return opt;
    }),
  );
  const rows = shown.map((e) =>
    h(
      'tr',
      { class: e.type === 'Warning' ? 'warn' : '' },
      h('td', {}, formatAge(eventTime(e), nowMs)),
      h('td', {}, e.type ?? ''),
      h('td', {}, e.reason ?? ''),
      h('td', {}, `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`),
      h('td', {}, e.message ?? ''),
    ),
  );
  return h(
    'div',
    {},
    h('div', { class: 'filters' }, h('label', {}, 'Type ', select)),
    table(['Age', 'Type', 'Reason', 'Object', 'Message'], rows),
  );
}
