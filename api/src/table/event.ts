/** The event table: LAST SEEN TYPE REASON OBJECT MESSAGE, and the wide columns after them. */
import type { Event } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../meta.ts';
import { column, doc, wide } from './columns.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** `component, host`, falling back to the events.k8s.io reporting fields. */
function source(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

function row(obj: KubeObject, now: number) {
  const ev = obj as unknown as Event;
  const first = ev.firstTimestamp ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
  let last = ev.lastTimestamp ? since(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = since(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    // Events written through events.k8s.io leave count unset for a single occurrence.
    count = 1;
  }
  const involved = ev.involvedObject ?? {};
  const kind = (involved.kind ?? '').toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  return {
    cells: [
      last,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      involved.fieldPath ?? '',
      source(ev),
      (ev.message ?? '').trim(),
      first,
      count,
      ev.metadata?.name ?? '',
    ],
  };
}

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', doc(`${CORE}.Event`, 'lastTimestamp')),
    column('Type', doc(`${CORE}.Event`, 'type')),
    column('Reason', doc(`${CORE}.Event`, 'reason')),
    column('Object', doc(`${CORE}.Event`, 'involvedObject')),
    wide('Subobject', doc(`${CORE}.ObjectReference`, 'fieldPath')),
    wide('Source', doc(`${CORE}.Event`, 'source')),
    column('Message', doc(`${CORE}.Event`, 'message')),
    wide('First Seen', doc(`${CORE}.Event`, 'firstTimestamp')),
    wide('Count', doc(`${CORE}.Event`, 'count')),
    column('Name', doc(`${META}.ObjectMeta`, 'name'), { format: 'name', priority: 1 }),
  ],
  row,
};
