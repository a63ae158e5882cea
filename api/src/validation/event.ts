/**
 * core/v1 Events, by the legacy rules core/v1 clients are held to.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import { validateQualifiedName } from './common.ts';
import { invalid, notSupported, required, type FieldError } from './field-error.ts';
import { shape, str } from './helpers.ts';

export const eventReasonCharsMax = 128;
export const eventActionCharsMax = 128;
export const eventReportingInstanceCharsMax = 128;
export const eventNoteCharsMax = 1024;

function validateNewStyle(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const controller = str(ev.reportingComponent);
  if (!controller) errs.push(required('reportingComponent'));
  errs.push(...validateQualifiedName(controller, 'reportingComponent'));
  const limited: [keyof Event, number][] = [
    ['reportingInstance', eventReportingInstanceCharsMax],
    ['action', eventActionCharsMax],
    ['reason', eventReasonCharsMax],
  ];
  for (const [f, max] of limited) {
    const v = str(ev[f]);
    if (!v) errs.push(required(f));
    if (v.length > max) errs.push(invalid(f, '', `can have at most ${max} characters`));
  }
  if (str(ev.message).length > eventNoteCharsMax) {
    errs.push(invalid('message', '', `can have at most ${eventNoteCharsMax} characters`));
  }
  return errs;
}

export function validateEvent(raw: Event): FieldError[] {
  const ev = shape<Event>(raw);
  const ns = str(ev.metadata?.namespace);
  const involvedNs = str(ev.involvedObject?.namespace);
  const errs: FieldError[] = [];
  const mismatch = invalid(
    'involvedObject.namespace',
    involvedNs,
    'does not match event.namespace',
  );
  if (!str(ev.eventTime)) {
    // Old-style events: the involved object's namespace (if any) is the event's.
    if (involvedNs ? ns !== involvedNs : ns !== '' && ns !== 'default') errs.push(mismatch);
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch);
    errs.push(...validateNewStyle(ev));
  }
  const type = str(ev.type);
  if (type && type !== 'Normal' && type !== 'Warning') {
    errs.push(notSupported('type', type, ['Normal', 'Warning']));
  }
  return errs;
}
